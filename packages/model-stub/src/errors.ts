// Anthropic API error bodies: {"type":"error","error":{"type":…,"message":…}}. Claude Code classifies
// failures by HTTP status (and retries 401/429/5xx/529), so the status matters more than the type.

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const MESSAGE_BY_TYPE: Record<string, string> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

export function errorTypeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export interface ApiErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export function errorBody(status: number, type?: string, message?: string): ApiErrorBody {
  const errorType = type ?? errorTypeFor(status);
  return { type: 'error', error: { type: errorType, message: message ?? MESSAGE_BY_TYPE[errorType] ?? 'Error' } };
}
