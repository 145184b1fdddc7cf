/**
 * What the legacy hook-observability dashboard (disler/claude-code-hooks-multi-agent-observability) sends as a
 * theme, cleaned and checked as its own server does (apps/server/src/theme.ts there: `sanitizeTheme`,
 * `validateTheme`, `isValidColor`): the name is lowercased and stripped to [a-z0-9-_], every one of the 24 colours
 * is required and must be a hex, rgb()/rgba() or basic named colour, empty tags are dropped. Every problem is
 * reported at once, each naming its field, in that server's `validationErrors` shape. Stricter than the original
 * where it would store garbage or fail later: fields of the wrong type are refused rather than coerced, and texts
 * are bounded in length.
 */

export const THEME_COLOR_KEYS = [
  "primary", "primaryHover", "primaryLight", "primaryDark",
  "bgPrimary", "bgSecondary", "bgTertiary", "bgQuaternary",
  "textPrimary", "textSecondary", "textTertiary", "textQuaternary",
  "borderPrimary", "borderSecondary", "borderTertiary",
  "accentSuccess", "accentWarning", "accentError", "accentInfo",
  "shadow", "shadowLg", "hoverBg", "activeBg", "focusRing",
] as const;

export type ThemeColorKey = (typeof THEME_COLOR_KEYS)[number];
export type ThemeColors = Record<ThemeColorKey, string>;

/** One entry of the dashboard server's `validationErrors`. */
export interface ThemeValidationError {
  field: string;
  message: string;
  /** REQUIRED, INVALID_FORMAT, INVALID_COLOR, DUPLICATE (the original's codes) or TOO_LONG (ours). */
  code: string;
}

/** A theme's editable fields after cleaning. */
export interface ThemeFields {
  name: string;
  displayName: string;
  description: string;
  colors: ThemeColors;
  isPublic: boolean;
  tags: string[];
  authorId: string | null;
  authorName: string | null;
}

export const THEME_LIMITS = { name: 64, displayName: 128, description: 2_000, author: 128, tags: 32, tag: 64, color: 64 } as const;

const NAMED_COLORS = new Set(["transparent", "black", "white", "red", "green", "blue", "yellow", "cyan", "magenta", "gray", "grey"]);

/** The original's colour check, regexes verbatim. */
export function isValidColor(color: string): boolean {
  if (/^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$/.test(color)) return true;
  if (/^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*(\d?(?:\.\d+)?))?\)$/.test(color)) return true;
  return NAMED_COLORS.has(color.toLowerCase());
}

/** NUL cannot be stored in Postgres text and a lone surrogate not as UTF-8 at all. */
const UNSTORABLE = /\u0000|[\ud800-\udfff]/u;

class Problems {
  readonly list: ThemeValidationError[] = [];
  add(field: string, message: string, code: string): void {
    this.list.push({ field, message, code });
  }
  /** A string field: absent (undefined/null) gives `fallback`; anything but a string is refused. */
  text(raw: Record<string, unknown>, field: string, max: number, fallback: string | null): string | null {
    const value = raw[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "string") {
      this.add(field, `${field} must be a string`, "INVALID_FORMAT");
      return fallback;
    }
    this.bounded(field, value, max);
    return value;
  }
  bounded(field: string, value: string, max: number): void {
    if (value.length > max) this.add(field, `${field} is longer than ${max} characters`, "TOO_LONG");
    else if (UNSTORABLE.test(value)) this.add(field, `${field} holds a NUL or a lone surrogate`, "INVALID_FORMAT");
  }
}

function cleanColors(raw: unknown, problems: Problems): ThemeColors {
  const colors = {} as ThemeColors;
  const given = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!given) {
    problems.add("colors", "Theme colors are required", "REQUIRED");
    return colors;
  }
  // Only the 24 colours the dashboard knows are kept: anything else in the object is dropped, not stored.
  for (const key of THEME_COLOR_KEYS) {
    const color = given[key];
    if (color === undefined || color === null || color === "") problems.add(`colors.${key}`, `Color ${key} is required`, "REQUIRED");
    else if (typeof color !== "string" || color.length > THEME_LIMITS.color || !isValidColor(color)) {
      problems.add(`colors.${key}`, `Invalid color format for ${key}`, "INVALID_COLOR");
    } else colors[key] = color;
  }
  return colors;
}

function cleanTags(raw: unknown, problems: Problems): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add("tags", "tags must be an array of strings", "INVALID_FORMAT");
    return [];
  }
  // As the original: tags that are not non-empty strings are dropped.
  const tags = raw.filter((tag): tag is string => typeof tag === "string" && tag.trim() !== "");
  if (tags.length > THEME_LIMITS.tags) problems.add("tags", `at most ${THEME_LIMITS.tags} tags`, "TOO_LONG");
  for (const tag of tags) problems.bounded("tags", tag, THEME_LIMITS.tag);
  return tags;
}

/**
 * Cleans and checks a theme body. `keepName` (an update) skips the name: it cannot change after creation.
 * Returns the cleaned fields, or every problem found.
 */
export function parseThemeInput(body: unknown, options: { keepName?: string } = {}): { ok: true; theme: ThemeFields } | { ok: false; errors: ThemeValidationError[] } {
  const problems = new Problems();
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return { ok: false, errors: [{ field: "body", message: "the body must be a JSON object (a theme)", code: "INVALID_FORMAT" }] };
  }
  const raw = body as Record<string, unknown>;

  let name = options.keepName ?? "";
  if (options.keepName === undefined) {
    const given = problems.text(raw, "name", Number.MAX_SAFE_INTEGER, "") ?? "";
    // The original's sanitising: lowercase, then only letters, digits, hyphens and underscores are kept.
    name = given.toLowerCase().replace(/[^a-z0-9-_]/g, "");
    if (!name) problems.add("name", "Theme name is required", "REQUIRED");
    else if (name.length > THEME_LIMITS.name) problems.add("name", `name is longer than ${THEME_LIMITS.name} characters`, "TOO_LONG");
  }
  const displayName = (problems.text(raw, "displayName", THEME_LIMITS.displayName, "") ?? "").trim();
  if (!displayName && !problems.list.some((p) => p.field === "displayName")) problems.add("displayName", "Display name is required", "REQUIRED");
  const description = (problems.text(raw, "description", THEME_LIMITS.description, "") ?? "").trim();
  const colors = cleanColors(raw.colors, problems);

  let isPublic = false;
  if (raw.isPublic !== undefined && raw.isPublic !== null) {
    if (typeof raw.isPublic === "boolean") isPublic = raw.isPublic;
    else problems.add("isPublic", "isPublic must be true or false", "INVALID_FORMAT");
  }
  const tags = cleanTags(raw.tags, problems);
  const authorId = problems.text(raw, "authorId", THEME_LIMITS.author, null) || null;
  const authorName = problems.text(raw, "authorName", THEME_LIMITS.author, null) || null;

  if (problems.list.length > 0) return { ok: false, errors: problems.list };
  return { ok: true, theme: { name, displayName, description, colors, isPublic, tags, authorId, authorName } };
}

/** What a search matches against, lowercased so SQLite and Postgres match alike. */
export function themeSearchText(theme: Pick<ThemeFields, "name" | "displayName" | "description">): string {
  return `${theme.name}\n${theme.displayName}\n${theme.description}`.toLowerCase();
}
