/** What a tRPC client error carries in `data` (see packages/api/src/trpc.ts's errorFormatter). */
interface ErrorData {
  code?: string;
  domainCode?: string | null;
  fieldErrors?: Record<string, string[] | undefined> | null;
}

function dataOf(error: unknown): ErrorData | undefined {
  if (!error || typeof error !== "object" || !("data" in error)) return undefined;
  const data = error.data;
  return data && typeof data === "object" ? data : undefined;
}

export function errorMessage(error: unknown): string {
  const fields = dataOf(error)?.fieldErrors;
  if (fields) {
    const first = Object.entries(fields).find(([, messages]) => messages && messages.length > 0);
    if (first) return `${first[0]}: ${first[1]![0]}`;
  }
  if (error instanceof Error) {
    if (!dataOf(error) && /failed to fetch|networkerror|fetch failed|load failed|network request failed/i.test(error.message)) {
      return "Could not reach the server: check that it is running, then try again.";
    }
    return error.message;
  }
  return typeof error === "string" ? error : "Something went wrong";
}

export function isUnauthorized(error: unknown): boolean {
  return dataOf(error)?.code === "UNAUTHORIZED";
}

export function isNotFound(error: unknown): boolean {
  return dataOf(error)?.code === "NOT_FOUND";
}
