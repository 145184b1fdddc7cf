import type { IncomingMessage, ServerResponse } from "node:http";
import { appRouter, type Context, type OpenAPIObject, type RozetMeta } from "@rozet/api";
import { DomainError } from "@rozet/vocabulary";
import { getErrorShape, getTRPCErrorFromUnknown, type AnyTRPCProcedure } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { readBodyText } from "./body.ts";
import { isJsonContentType } from "./content-type.ts";
import { retryAfterHeader, sendError, sendJson, type ErrorLog } from "./respond.ts";
import { decodeUrlPart } from "./url-parts.ts";

/** Bodies of REST calls (prompts, edited tool input): generous, but far below ingest's 16 MiB. */
const MAX_REST_BODY_BYTES = 4 * 1024 * 1024;

/** A body that is not JSON: 415, as ingest answers it. */
class UnsupportedMediaType extends Error {
  constructor(readonly contentType: string | undefined) {
    super(`Content-Type must be application/json (or a +json type) in UTF-8, not ${JSON.stringify(contentType ?? "")}`);
  }
}

type QueryKind = "number" | "boolean" | "array" | "string";

interface RestRoute {
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: { name: string; kind: QueryKind }[];
  /** Query parameters the document declares, with how to read each from the URL. */
  query: Map<string, QueryKind>;
  hasBody: boolean;
  /** False for a procedure without input (system.health): it is called with none. */
  takesInput: boolean;
  procedurePath: string;
  procedure: AnyTRPCProcedure;
}

export interface RestApi {
  /** The route for this method and path; `methodNotAllowed` when the path exists with other methods only. */
  match(method: string, pathname: string): { route: RestRoute; params: RegExpExecArray } | { methodNotAllowed: string[] } | null;
  handle(match: { route: RestRoute; params: RegExpExecArray }, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** The router's procedures by "METHOD path", as their `.meta({ openapi })` declares them. */
function proceduresByRoute(): Map<string, { procedurePath: string; procedure: AnyTRPCProcedure }> {
  const routes = new Map<string, { procedurePath: string; procedure: AnyTRPCProcedure }>();
  // `_def.procedures` is the router flattened by dotted path ("session.create"); its static type is the nested one.
  const flat: Record<string, AnyTRPCProcedure> = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
  for (const [procedurePath, procedure] of Object.entries(flat)) {
    const openapi = (procedure._def.meta as RozetMeta | undefined)?.openapi;
    if (openapi) routes.set(`${openapi.method} ${openapi.path}`, { procedurePath, procedure });
  }
  return routes;
}

function queryKind(schema: unknown): QueryKind {
  const type = (schema as { type?: unknown } | undefined)?.type;
  if (type === "integer" || type === "number") return "number";
  if (type === "boolean") return "boolean";
  if (type === "array") return "array";
  return "string";
}

/** A query (or path) value as the schema wants it; text that is not a number stays text so validation names the field. */
function readQueryValue(kind: QueryKind, values: string[]): unknown {
  if (kind === "array") return values;
  const value = values[values.length - 1]!;
  if (kind === "number") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (kind === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

/**
 * REST calls routed by the OpenAPI document and answered by the same tRPC procedures (`createCaller` with the
 * same context), so the token and every procedure check apply as they do over /trpc. A thin adapter instead of
 * trpc-to-openapi's: that one turns every number in the router's schemas into a coercing one (for tRPC callers
 * too), accepts only exactly `application/json`, and answers errors in another shape than the rest of the server.
 */
export function createRestApi(deps: { document: OpenAPIObject; createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Promise<Context>; log: ErrorLog }): RestApi {
  const procedures = proceduresByRoute();
  const routes: RestRoute[] = [];
  for (const [template, pathItem] of Object.entries(deps.document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem as Record<string, { parameters?: { name: string; in: string; schema?: unknown }[]; requestBody?: unknown }>)) {
      const found = procedures.get(`${method.toUpperCase()} ${template}`);
      if (!found) throw new Error(`OpenAPI operation ${method.toUpperCase()} ${template} has no procedure`);
      const pathParams: RestRoute["pathParams"] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
        pathParams.push({ name, kind: queryKind(operation.parameters?.find((p) => p.in === "path" && p.name === name)?.schema) });
        return "([^/]+)";
      });
      const query = new Map<string, QueryKind>();
      for (const parameter of operation.parameters ?? []) if (parameter.in === "query") query.set(parameter.name, queryKind(parameter.schema));
      routes.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), pathParams, query, hasBody: operation.requestBody !== undefined, takesInput: operation.requestBody !== undefined || (operation.parameters ?? []).length > 0, ...found });
    }
  }

  async function readInput(route: RestRoute, params: RegExpExecArray, req: IncomingMessage): Promise<Record<string, unknown>> {
    const input: Record<string, unknown> = {};
    const url = new URL(req.url ?? "/", "http://x");
    for (const name of new Set(url.searchParams.keys())) {
      const kind = route.query.get(name);
      if (!kind) throw new DomainError("INVALID_INPUT", `unknown query parameter ${JSON.stringify(name)}${route.query.size ? `; this route takes ${[...route.query.keys()].join(", ")}` : ""}`, { field: name });
      input[name] = readQueryValue(kind, url.searchParams.getAll(name));
    }
    if (route.hasBody) {
      const text = await readBodyText(req, MAX_REST_BODY_BYTES);
      if (text.trim() !== "") {
        if (!isJsonContentType(req.headers["content-type"])) throw new UnsupportedMediaType(req.headers["content-type"]);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw new DomainError("INVALID_INPUT", `body is not valid JSON: ${(error as Error).message}`, { field: "body" });
        }
        if (!body || typeof body !== "object" || Array.isArray(body)) throw new DomainError("INVALID_INPUT", "body must be a JSON object", { field: "body" });
        Object.assign(input, body);
      }
    } else req.resume();
    route.pathParams.forEach(({ name, kind }, index) => {
      const value = readQueryValue(kind, [decodeUrlPart(params[index + 1]!, name)]);
      if (name in input && input[name] !== value) throw new DomainError("INVALID_INPUT", `${name} is given in the path; the body or query must not name another`, { field: name });
      input[name] = value;
    });
    return input;
  }

  function sendRestError(res: ServerResponse, route: RestRoute, cause: unknown, ctx: Context | undefined, input: unknown): void {
    const error = getTRPCErrorFromUnknown(cause);
    // The router's error formatter adds the domain code, details and field errors (and logs unexpected failures).
    const shape = getErrorShape({ config: appRouter._def._config, error, type: route.procedure._def.type, path: route.procedurePath, input, ctx });
    const { domainCode, details, fieldErrors, correlationId } = shape.data;
    const message = fieldErrors && Object.keys(fieldErrors).length > 0
      ? `invalid input: ${Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ")}`
      : shape.message;
    const code = domainCode ?? (fieldErrors ? "INVALID_INPUT" : error.code);
    // A rate-limited call says when to come back, as over /trpc.
    const headers = error.cause instanceof DomainError ? retryAfterHeader(error.cause) : {};
    sendJson(res, getHTTPStatusCodeFromError(error), { error: { code, message, details, fieldErrors, correlationId } }, headers);
  }

  return {
    match(method, pathname) {
      const allowed: string[] = [];
      for (const route of routes) {
        const params = route.pattern.exec(pathname);
        if (!params) continue;
        if (route.method === method) return { route, params };
        allowed.push(route.method);
      }
      return allowed.length ? { methodNotAllowed: allowed } : null;
    },
    async handle({ route, params }, req, res) {
      let input: Record<string, unknown>;
      try {
        input = await readInput(route, params, req);
      } catch (error) {
        if (error instanceof UnsupportedMediaType) sendJson(res, 415, { error: { code: "UNSUPPORTED_MEDIA_TYPE", message: error.message, details: { field: "content-type" } } });
        else sendError(res, error, deps.log);
        return;
      }
      let ctx: Context | undefined;
      try {
        ctx = await deps.createContext({ req, res });
        const caller: unknown = appRouter.createCaller(ctx);
        const call = route.procedurePath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
        const data = await call(route.takesInput ? input : undefined);
        sendJson(res, 200, data ?? null);
      } catch (cause) {
        if (res.headersSent) {
          deps.log(cause);
          res.destroy();
          return;
        }
        sendRestError(res, route, cause, ctx, input);
      }
    },
  };
}
