import type { IncomingMessage, ServerResponse } from "node:http";
import { domainErrorMap } from "@rozet/api";
import {
  createDashboardTheme,
  dashboardThemeStats,
  deleteDashboardTheme,
  exportDashboardTheme,
  getDashboardTheme,
  importDashboardTheme,
  MAX_THEME_PAGE,
  searchDashboardThemes,
  THEME_SORTS,
  updateDashboardTheme,
  type ThemeSearch,
  type ThemeSort,
} from "@rozet/orchestrator";
import type { PrismaClient } from "@rozet/db";
import { DomainError } from "@rozet/vocabulary";
import type { HttpAccess } from "./access.ts";
import { readBodyText } from "./body.ts";
import { isJsonContentType } from "./content-type.ts";
import { retryAfterHeader, sendJson, type ErrorLog } from "./respond.ts";

/**
 * The legacy dashboard's theme API (disler/claude-code-hooks-multi-agent-observability, apps/server/src/index.ts
 * there), answered in its `ApiResponse` shape `{ success, data?, error?, message?, validationErrors? }`:
 *
 *   GET /api/themes (search) · POST /api/themes · GET /api/themes/stats · POST /api/themes/import
 *   GET | PUT | DELETE /api/themes/:id · GET /api/themes/:id/export (the bare export file, as a download)
 *
 * Reading needs a viewer, writing an operator (rate limited and audited as mutations are); `?token=` stands for the
 * Authorization header, which the dashboard's page cannot send. Its page runs on its own origin, so the CORS
 * preflight is answered and reads carry Access-Control-Allow-Origin for an origin the guard already admitted.
 */

/** A theme is ~2 KB; an import file the same. */
const MAX_THEME_BODY_BYTES = 64 * 1024;

type Route =
  | { kind: "collection" }
  | { kind: "stats" }
  | { kind: "import" }
  | { kind: "theme"; id: string }
  | { kind: "export"; id: string };

const METHODS: Record<Route["kind"], string[]> = {
  collection: ["GET", "POST"],
  stats: ["GET"],
  import: ["POST"],
  theme: ["GET", "PUT", "DELETE"],
  export: ["GET"],
};

/** The theme route of a path, null when it is none of them. */
export function matchThemeRoute(pathname: string): Route | null {
  if (pathname === "/api/themes") return { kind: "collection" };
  if (pathname === "/api/themes/stats") return { kind: "stats" };
  if (pathname === "/api/themes/import") return { kind: "import" };
  const match = /^\/api\/themes\/([^/]+)(\/export)?$/.exec(pathname);
  if (!match) return null;
  let id = match[1]!;
  try {
    // A stray % or an encoded NUL names no theme: kept as sent, it is answered 404.
    const decoded = decodeURIComponent(id);
    if (!decoded.includes("\u0000")) id = decoded;
  } catch {
    // as sent
  }
  return match[2] ? { kind: "export", id } : { kind: "theme", id };
}

/** A refusal of one query parameter, in the dashboard's validationErrors shape. */
function badParameter(field: string, message: string): DomainError {
  return new DomainError("INVALID_INPUT", message, { field, validationErrors: [{ field, message, code: "INVALID_FORMAT" }] });
}

function integerParam(params: URLSearchParams, field: string, min: number, max: number): number | undefined {
  const raw = params.get(field);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw badParameter(field, `${field} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return value;
}

function optionalText(params: URLSearchParams, field: string, max: number): string | undefined {
  const value = params.get(field);
  if (value === null || value === "") return undefined;
  if (value.length > max) throw badParameter(field, `${field} is longer than ${max} characters`);
  if (value.includes("\u0000")) throw badParameter(field, `${field} holds a NUL`);
  return value;
}

/** The search query of GET /api/themes (isPublic is read as the original does: not at all, see ThemeSearch). */
function parseSearch(params: URLSearchParams): ThemeSearch {
  const sortBy = params.get("sortBy");
  if (sortBy && !(sortBy in THEME_SORTS)) throw badParameter("sortBy", `sortBy must be one of ${Object.keys(THEME_SORTS).join(", ")}`);
  const sortOrder = params.get("sortOrder");
  if (sortOrder && sortOrder !== "asc" && sortOrder !== "desc") throw badParameter("sortOrder", "sortOrder must be asc or desc");
  const isPublic = params.get("isPublic");
  if (isPublic && isPublic !== "true" && isPublic !== "false") throw badParameter("isPublic", "isPublic must be true or false");
  const query = optionalText(params, "query", 200);
  const authorId = optionalText(params, "authorId", 128);
  const limit = integerParam(params, "limit", 1, MAX_THEME_PAGE);
  const offset = integerParam(params, "offset", 0, 1_000_000);
  return {
    ...(query ? { query } : {}),
    ...(authorId ? { authorId } : {}),
    ...(sortBy ? { sortBy: sortBy as ThemeSort } : {}),
    ...(sortOrder ? { sortOrder: sortOrder as "asc" | "desc" } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}

/** 415: the dashboard posts JSON; a text/plain or form post is a browser's cross-site "simple request". */
class UnsupportedMediaType extends Error {}

async function readJsonBody(req: IncomingMessage, invalidMessage: string): Promise<unknown> {
  if (!isJsonContentType(req.headers["content-type"])) {
    req.resume();
    throw new UnsupportedMediaType(`Content-Type must be application/json, not ${JSON.stringify(req.headers["content-type"] ?? "")}`);
  }
  const text = await readBodyText(req, MAX_THEME_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError("INVALID_INPUT", invalidMessage, { field: "body", validationErrors: [{ field: "body", message: "the body is not JSON", code: "INVALID_FORMAT" }] });
  }
}

/** Every failure in the dashboard's shape (`error` is the text its page shows), with our code and the field. */
function sendThemeError(res: ServerResponse, error: unknown, logError: ErrorLog): void {
  if (error instanceof DomainError) {
    const details = error.details ?? {};
    const body = {
      success: false,
      error: error.message,
      code: error.code,
      ...(typeof details.field === "string" ? { field: details.field } : {}),
      ...(Array.isArray(details.validationErrors) ? { validationErrors: details.validationErrors as unknown[] } : {}),
    };
    sendJson(res, domainErrorMap[error.code].http, body, retryAfterHeader(error));
    return;
  }
  if (error instanceof UnsupportedMediaType) {
    sendJson(res, 415, { success: false, error: error.message, code: "UNSUPPORTED_MEDIA_TYPE", field: "content-type" });
    return;
  }
  logError(error);
  sendJson(res, 500, { success: false, error: "Internal server error", code: "INTERNAL" });
}

export function createLegacyThemes(deps: { prisma: PrismaClient; access: HttpAccess; logError: ErrorLog }) {
  const store = { prisma: deps.prisma };
  const { access } = deps;

  const read = (req: IncomingMessage) => access.authorize(req, "viewer", { allowQueryToken: true });
  const write = <T>(req: IncomingMessage, procedure: string, target: string | null, work: () => Promise<T>) =>
    access.mutate(req, { need: "operator", procedure: `legacyDashboard.theme.${procedure}`, target, allowQueryToken: true }, work);

  async function answer(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    const method = req.method ?? "GET";
    const params = new URL(req.url ?? "/", "http://x").searchParams;
    // Read after the role check: a caller without a token learns nothing from a 400.
    const authorId = () => optionalText(params, "authorId", 128);
    switch (route.kind) {
      case "collection":
        if (method === "GET") {
          await read(req);
          return sendJson(res, 200, { success: true, data: await searchDashboardThemes(store, parseSearch(params)) });
        }
        return write(req, "create", null, async () => {
          const theme = await createDashboardTheme(store, await readJsonBody(req, "Invalid request body"));
          sendJson(res, 201, { success: true, data: theme, message: "Theme created successfully" });
        });
      case "stats":
        await read(req);
        return sendJson(res, 200, { success: true, data: await dashboardThemeStats(store) });
      case "import":
        return write(req, "import", null, async () => {
          const theme = await importDashboardTheme(store, await readJsonBody(req, "Invalid import data"), authorId());
          sendJson(res, 201, { success: true, data: theme, message: "Theme created successfully" });
        });
      case "export": {
        await read(req);
        const file = await exportDashboardTheme(store, route.id);
        // The name is [a-z0-9-_] only: safe in the header as it is.
        return sendJson(res, 200, file, { "content-disposition": `attachment; filename="${file.theme.name}.json"` });
      }
      case "theme":
        if (method === "GET") {
          await read(req);
          return sendJson(res, 200, { success: true, data: await getDashboardTheme(store, route.id) });
        }
        if (method === "PUT") {
          return write(req, "update", `id=${route.id}`, async () => {
            const theme = await updateDashboardTheme(store, route.id, await readJsonBody(req, "Invalid request body"));
            sendJson(res, 200, { success: true, data: theme, message: "Theme updated successfully" });
          });
        }
        return write(req, "delete", `id=${route.id}`, async () => {
          await deleteDashboardTheme(store, route.id, authorId());
          sendJson(res, 200, { success: true, message: "Theme deleted successfully" });
        });
    }
  }

  return {
    /** Answers a /api/themes… request; false when the path is not one of the theme routes. */
    handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
      const route = matchThemeRoute(pathname);
      if (!route) return false;
      const methods = METHODS[route.kind];
      if (req.headers.origin) {
        // The guard has already admitted this origin (the dashboard's page): it may read the answers.
        res.setHeader("access-control-allow-origin", req.headers.origin);
        res.setHeader("vary", "origin");
      }
      if (req.method === "OPTIONS") {
        // A preflight carries no token: it learns only which methods and headers the route takes.
        res.writeHead(204, { "access-control-allow-methods": methods.join(", "), "access-control-allow-headers": "content-type, authorization", "access-control-max-age": "600" });
        res.end();
        return true;
      }
      if (!methods.includes(req.method ?? "")) {
        req.resume();
        sendJson(res, 405, { success: false, error: `${req.method} ${pathname}: use ${methods.join(" or ")}`, code: "METHOD_NOT_ALLOWED" }, { allow: methods.join(", ") });
        return true;
      }
      answer(req, res, route).catch((error: unknown) => {
        req.resume();
        if (res.headersSent) {
          deps.logError(error);
          res.destroy();
        } else sendThemeError(res, error, deps.logError);
      });
      return true;
    },
  };
}
