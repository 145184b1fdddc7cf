import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { clientFor, removeHome, startTestServer, type TestServer } from "./harness.ts";
import { apiResponse, theme, themeExport, themeStats } from "./legacy-dashboard-shapes.ts";

/**
 * The legacy dashboard's theme routes (/api/themes…) over real HTTP, with the requests its page makes and the
 * shapes its types declare (disler/claude-code-hooks-multi-agent-observability).
 */

const ADMIN = "legacy-themes-admin-token-0123";
let server: TestServer;
let client: ReturnType<typeof clientFor>;
let viewer: string;
let operator: string;

/** The dashboard's predefined "light" theme colours (apps/client/src/composables/useThemes.ts there), verbatim. */
const LIGHT_COLORS = {
  primary: "#3b82f6", primaryHover: "#2563eb", primaryLight: "#dbeafe", primaryDark: "#1e40af",
  bgPrimary: "#ffffff", bgSecondary: "#f9fafb", bgTertiary: "#f3f4f6", bgQuaternary: "#e5e7eb",
  textPrimary: "#111827", textSecondary: "#374151", textTertiary: "#6b7280", textQuaternary: "#9ca3af",
  borderPrimary: "#e5e7eb", borderSecondary: "#d1d5db", borderTertiary: "#9ca3af",
  accentSuccess: "#10b981", accentWarning: "#f59e0b", accentError: "#ef4444", accentInfo: "#3b82f6",
  shadow: "rgba(0, 0, 0, 0.1)", shadowLg: "rgba(0, 0, 0, 0.25)", hoverBg: "rgba(0, 0, 0, 0.05)", activeBg: "rgba(0, 0, 0, 0.1)", focusRing: "#3b82f6",
};

/** What its createCustomTheme builds and saveThemeToServer posts (a CustomTheme: client id, ISO times, isCustom). */
function customTheme(name: string, overrides: Record<string, unknown> = {}) {
  return {
    id: Math.random().toString(36).slice(2, 11),
    name,
    displayName: `Ocean ${name}`,
    description: "Deep blue for night shifts",
    colors: LIGHT_COLORS,
    isCustom: true,
    isPublic: true,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    tags: ["blue", "dark"],
    ...overrides,
  };
}

const themeResponse = apiResponse(theme);
const listResponse = apiResponse(z.array(theme));

async function call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const url = `${server.url}${path}${token ? `${path.includes("?") ? "&" : "?"}token=${token}` : ""}`;
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { validationErrors?: { field: string; code: string }[] } };
}

async function create(name: string, overrides: Record<string, unknown> = {}) {
  const created = await call("POST", "/api/themes", operator, customTheme(name, overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return themeResponse.parse(created.body).data!;
}

beforeAll(async () => {
  server = await startTestServer({ token: ADMIN });
  client = clientFor(server.url, ADMIN);
  viewer = (await client.api.token.create.mutate({ name: "themes-viewer", role: "viewer" })).secret;
  operator = (await client.api.token.create.mutate({ name: "themes-operator", role: "operator" })).secret;
});
afterAll(async () => {
  await client.close();
  await server.close();
  removeHome(server.home);
});

describe("legacy dashboard theme API", () => {
  it("saves a theme as the dashboard posts it and lists it as the dashboard loads public themes", async () => {
    // Its page runs on its own origin: the preflight of its JSON post is answered.
    const preflight = await fetch(`${server.url}/api/themes`, { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");

    const created = await call("POST", "/api/themes", operator, customTheme("Ocean-Night!"), { origin: "http://localhost:5173" });
    expect(created.status).toBe(201);
    expect(created.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const saved = themeResponse.parse(created.body);
    expect(saved).toMatchObject({ success: true, message: "Theme created successfully" });
    // Cleaned as the original does: the name lowercased and stripped; the server's id and times, not the client's.
    expect(saved.data).toMatchObject({ name: "ocean-night", displayName: "Ocean Ocean-Night!", isPublic: true, tags: ["blue", "dark"], colors: LIGHT_COLORS, downloadCount: 0, rating: 0, ratingCount: 0, authorId: null });
    expect(saved.data!.id).not.toBe(customTheme("x").id);
    expect(saved.data!.createdAt).toBeGreaterThan(Date.now() - 60_000);

    // loadThemesFromServer: GET /api/themes?isPublic=true, read as ThemeApiResponse<CustomTheme[]>.
    const listed = await call("GET", "/api/themes?isPublic=true", viewer);
    expect(listed.status).toBe(200);
    expect(listResponse.parse(listed.body).data!.map((t) => t.name)).toContain("ocean-night");
  });

  it("gets (counting downloads), updates, exports, imports, searches, counts and deletes themes", async () => {
    const sunset = await create("sunset", { displayName: "Sunset Orange", description: "Warm EVENING colours", tags: ["warm"] });
    const mint = await create("mint", { displayName: "Mint Fresh", description: "cool" });
    const secret = await create("secret-theme", { isPublic: false, authorId: "alice" });

    // GET by id: the theme as read; a public one's download counted.
    const first = themeResponse.parse((await call("GET", `/api/themes/${sunset.id}`, viewer)).body);
    expect(first).toMatchObject({ success: true, data: { id: sunset.id, downloadCount: 0 } });
    expect(themeResponse.parse((await call("GET", `/api/themes/${sunset.id}`, viewer)).body).data!.downloadCount).toBe(1);
    expect((await call("GET", `/api/themes/${secret.id}`, viewer)).body).toMatchObject({ data: { downloadCount: 0 } });
    expect(themeResponse.parse((await call("GET", `/api/themes/${secret.id}`, viewer)).body).data!.downloadCount).toBe(0);

    // PUT: the whole theme again; the name stays.
    const updated = await call("PUT", `/api/themes/${sunset.id}`, operator, { ...customTheme("renamed"), displayName: "Sunset Red", description: "Warm EVENING colours", colors: { ...LIGHT_COLORS, primary: "#ff0000" }, isPublic: true, tags: ["warm", "red"] });
    expect(updated.status).toBe(200);
    expect(themeResponse.parse(updated.body)).toMatchObject({ success: true, message: "Theme updated successfully", data: { name: "sunset", displayName: "Sunset Red", tags: ["warm", "red"], colors: { primary: "#ff0000" } } });
    expect(themeResponse.parse(updated.body).data!.updatedAt).toBeGreaterThanOrEqual(sunset.updatedAt);

    // Export: the bare file, as a download, without the server's fields.
    const exported = await call("GET", `/api/themes/${sunset.id}/export`, viewer);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="sunset.json"');
    const file = themeExport.parse(exported.body);
    expect(file).toMatchObject({ version: "1.0.0", exportedBy: "observability-system", theme: { name: "sunset", displayName: "Sunset Red", isPublic: true } });
    expect(Object.keys(file.theme).sort()).toEqual(["authorName", "colors", "description", "displayName", "isPublic", "name", "tags"]);

    // Import of that file under another name: private, by "Imported", owned by ?authorId.
    const imported = await call("POST", "/api/themes/import?authorId=bob", operator, { ...file, theme: { ...file.theme, name: "sunset-copy" } });
    expect(imported.status).toBe(201);
    expect(themeResponse.parse(imported.body).data).toMatchObject({ name: "sunset-copy", isPublic: false, authorId: "bob", authorName: "Imported", displayName: "Sunset Red" });
    // Importing it again under its own name is the duplicate the original refuses.
    const again = await call("POST", "/api/themes/import", operator, file);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: "Theme name already exists", validationErrors: [{ field: "name", code: "DUPLICATE" }] });

    // Search: name, display name or description, any case; public ones only unless an author is named.
    const search = async (query: string) => listResponse.parse((await call("GET", `/api/themes?${query}`, viewer)).body).data!.map((t) => t.name);
    expect(await search("query=EVENING")).toEqual(["sunset"]);
    expect(await search("query=fresh")).toEqual(["mint"]);
    expect(await search("query=secret")).toEqual([]);
    expect(await search("authorId=alice")).toEqual(["secret-theme"]);
    expect(await search("authorId=bob")).toEqual(["sunset-copy"]);
    const byName = await search("sortBy=name&sortOrder=asc");
    expect(byName).toEqual([...byName].sort());
    expect(byName).toEqual(expect.arrayContaining(["mint", "sunset", "ocean-night"]));
    expect(await search("sortBy=name&sortOrder=asc&limit=1&offset=1")).toEqual([byName[1]]);
    expect((await search("sortBy=downloads&sortOrder=desc"))[0]).toBe("sunset");

    const stats = themeStats.parse((await call("GET", "/api/themes/stats", viewer)).body.data);
    const everyPublic = (await search("limit=1000")).length;
    expect(stats).toMatchObject({ publicThemes: everyPublic, privateThemes: 2, totalThemes: everyPublic + 2, totalDownloads: 2, averageRating: 0 });

    // Delete: only the named author's; then it is gone.
    const notYours = await call("DELETE", `/api/themes/${secret.id}?authorId=mallory`, operator);
    expect(notYours.status).toBe(403);
    expect(notYours.body).toMatchObject({ success: false, error: "Unauthorized - you can only delete your own themes" });
    const deleted = await call("DELETE", `/api/themes/${secret.id}?authorId=alice`, operator);
    expect(deleted).toMatchObject({ status: 200, body: { success: true, message: "Theme deleted successfully" } });
    expect(await call("DELETE", `/api/themes/${mint.id}`, operator)).toMatchObject({ status: 200 });
    for (const path of [`/api/themes/${secret.id}`, `/api/themes/${secret.id}/export`]) {
      expect(await call("GET", path, viewer)).toMatchObject({ status: 404, body: { success: false, error: "Theme not found", field: "id" } });
    }
  });

  it("refuses bad input with 4xx naming the field, in the dashboard's validationErrors shape, and stores nothing", async () => {
    const before = themeStats.parse((await call("GET", "/api/themes/stats", viewer)).body.data).totalThemes;

    const missing = await call("POST", "/api/themes", operator, { name: "???", colors: { ...LIGHT_COLORS, primary: "not-a-colour", shadow: undefined }, tags: "blue" });
    expect(missing.status).toBe(400);
    expect(themeResponse.parse(missing.body)).toMatchObject({ success: false, error: "Validation failed", field: "name" });
    expect(missing.body.validationErrors!.map((e) => `${e.field}:${e.code}`).sort()).toEqual(
      ["colors.primary:INVALID_COLOR", "colors.shadow:REQUIRED", "displayName:REQUIRED", "name:REQUIRED", "tags:INVALID_FORMAT"].sort(),
    );
    const noColors = await call("POST", "/api/themes", operator, { name: "plain", displayName: "Plain" });
    expect(noColors.body.validationErrors).toEqual([{ field: "colors", message: "Theme colors are required", code: "REQUIRED" }]);
    const wrongTypes = await call("POST", "/api/themes", operator, customTheme("typed", { isPublic: "yes", displayName: 42, description: "x".repeat(2_001) }));
    expect(wrongTypes.body.validationErrors!.map((e) => e.field).sort()).toEqual(["description", "displayName", "isPublic"]);
    const nul = await call("POST", "/api/themes", operator, customTheme("nul", { displayName: "a\u0000b" }));
    expect(nul).toMatchObject({ status: 400, body: { field: "displayName" } });

    const notJson = await call("POST", "/api/themes", operator, "{ not json");
    expect(notJson).toMatchObject({ status: 400, body: { success: false, error: "Invalid request body", field: "body" } });
    const notAnObject = await call("POST", "/api/themes", operator, [customTheme("array")]);
    expect(notAnObject).toMatchObject({ status: 400, body: { field: "body" } });
    const plainText = await call("POST", "/api/themes", operator, undefined, { "content-type": "text/plain" });
    expect(plainText).toMatchObject({ status: 415, body: { field: "content-type" } });
    const huge = await call("POST", "/api/themes", operator, customTheme("huge", { description: "x".repeat(70_000) }));
    expect(huge.status).toBe(413);
    const noTheme = await call("POST", "/api/themes/import", operator, { version: "1.0.0" });
    expect(noTheme).toMatchObject({ status: 400, body: { error: "Invalid import data - missing theme", field: "theme" } });

    for (const [query, field] of [["sortBy=colour", "sortBy"], ["sortOrder=up", "sortOrder"], ["limit=0", "limit"], ["limit=abc", "limit"], ["offset=-1", "offset"], ["isPublic=maybe", "isPublic"]] as const) {
      const refused = await call("GET", `/api/themes?${query}`, viewer);
      expect(refused.status, query).toBe(400);
      expect(refused.body, query).toMatchObject({ success: false, field, validationErrors: [{ field }] });
    }
    const unknown = await call("PUT", "/api/themes/no-such-theme", operator, customTheme("ghost"));
    expect(unknown).toMatchObject({ status: 404, body: { error: "Theme not found", field: "id" } });
    expect(await call("GET", "/api/themes/%00", viewer)).toMatchObject({ status: 404 });
    expect(await call("PATCH", "/api/themes/stats", operator, {})).toMatchObject({ status: 405 });

    const taken = await create("taken");
    const duplicate = await call("POST", "/api/themes", operator, customTheme("TAKEN"));
    expect(duplicate).toMatchObject({ status: 409, body: { error: "Theme name already exists", validationErrors: [{ field: "name", code: "DUPLICATE" }] } });
    const badUpdate = await call("PUT", `/api/themes/${taken.id}`, operator, { displayName: "" });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.validationErrors!.map((e) => e.field)).toEqual(expect.arrayContaining(["displayName", "colors"]));
    expect(themeResponse.parse((await call("GET", `/api/themes/${taken.id}`, viewer)).body).data!.displayName).toBe("Ocean taken");

    expect(themeStats.parse((await call("GET", "/api/themes/stats", viewer)).body.data).totalThemes).toBe(before + 1);
  });

  it("reads need a viewer, writes an operator; writes are audited", async () => {
    expect(await call("GET", "/api/themes", null)).toMatchObject({ status: 401, body: { success: false, code: "UNAUTHORIZED" } });
    expect((await call("GET", "/api/themes/stats", viewer)).status).toBe(200);
    // A page of a foreign origin is refused by the guard before any theme route, preflight included.
    const foreign = await fetch(`${server.url}/api/themes?token=${viewer}`, { headers: { origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect((await fetch(`${server.url}/api/themes`, { method: "OPTIONS", headers: { origin: "http://evil.example" } })).status).toBe(403);
    const bearer = await fetch(`${server.url}/api/themes`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(bearer.status).toBe(200);

    const asViewer = await call("POST", "/api/themes", viewer, customTheme("by-viewer"));
    expect(asViewer).toMatchObject({ status: 403, body: { success: false, code: "FORBIDDEN" } });
    expect((await call("POST", "/api/themes", null, customTheme("by-nobody"))).status).toBe(401);
    const saved = await create("by-operator");
    expect((await call("PUT", `/api/themes/${saved.id}`, viewer, customTheme("by-operator"))).status).toBe(403);
    expect((await call("DELETE", `/api/themes/${saved.id}`, viewer)).status).toBe(403);
    expect((await call("POST", "/api/themes/import", viewer, { theme: customTheme("imp") })).status).toBe(403);
    expect((await call("GET", "/api/themes?query=by-", viewer)).body.data).toHaveLength(1);

    const audit = await client.api.audit.list.query({ procedure: "legacyDashboard.theme.", limit: 50 });
    expect(audit.find((e) => e.token === "themes-viewer" && e.procedure === "legacyDashboard.theme.create")).toMatchObject({ result: "FORBIDDEN", role: "viewer" });
    expect(audit.find((e) => e.token === "themes-operator" && e.procedure === "legacyDashboard.theme.create" && e.result === "ok")).toBeDefined();
    expect(audit.find((e) => e.procedure === "legacyDashboard.theme.delete" && e.result === "FORBIDDEN")).toMatchObject({ target: `id=${saved.id}` });
  });
});
