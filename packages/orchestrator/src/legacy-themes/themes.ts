import type { Models } from "@rozet/db";
import { DomainError, newId } from "@rozet/vocabulary";
import type { Stores } from "../deps.ts";
import { parseThemeInput, themeSearchText, type ThemeColors, type ThemeFields, type ThemeValidationError } from "./theme-input.ts";

/**
 * The legacy dashboard's theme store (its server's apps/server/src/theme.ts and db.ts, on our database): create,
 * search, get (counting downloads of public themes), update, delete, export, import and stats, with that server's
 * shapes. Failures are DomainErrors; a refused body carries the dashboard's `validationErrors` in its details.
 */

type ThemeDeps = Pick<Stores, "prisma">;

/** The dashboard's `Theme` (apps/server/src/types.ts there): times in epoch milliseconds. */
export interface DashboardTheme {
  id: string;
  name: string;
  displayName: string;
  description: string;
  colors: ThemeColors;
  isPublic: boolean;
  authorId: string | null;
  authorName: string | null;
  createdAt: number;
  updatedAt: number;
  tags: string[];
  downloadCount: number;
  rating: number;
  ratingCount: number;
}

export const THEME_SORTS = { name: "name", created: "createdAt", updated: "updatedAt", downloads: "downloadCount", rating: "rating" } as const;
export type ThemeSort = keyof typeof THEME_SORTS;

export interface ThemeSearch {
  /** Part of the name, display name or description, any case. */
  query?: string;
  /** Without it only public themes are listed; with it every theme of that author (as the original). */
  authorId?: string;
  sortBy?: ThemeSort;
  sortOrder?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

export const MAX_THEME_PAGE = 1_000;

function themeDto(row: Models.DashboardThemeModel): DashboardTheme {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    description: row.description,
    colors: JSON.parse(row.colors) as ThemeColors,
    isPublic: row.isPublic,
    authorId: row.authorId,
    authorName: row.authorName,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    tags: JSON.parse(row.tags) as string[],
    downloadCount: row.downloadCount,
    rating: row.rating,
    ratingCount: row.ratingCount,
  };
}

function invalid(errors: ThemeValidationError[], message = "Validation failed"): DomainError {
  return new DomainError("INVALID_INPUT", message, { field: errors[0]?.field ?? "body", validationErrors: errors });
}

const themeNotFound = (id: string) => new DomainError("NOT_FOUND", "Theme not found", { field: "id", id });

const duplicateName = () =>
  new DomainError("CONFLICT", "Theme name already exists", {
    field: "name",
    validationErrors: [{ field: "name", message: "A theme with this name already exists", code: "DUPLICATE" }],
  });

/** Prisma's unique-constraint failure (the name), whichever store raised it. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

async function insertTheme(deps: ThemeDeps, theme: ThemeFields): Promise<DashboardTheme> {
  if (await deps.prisma.dashboardTheme.findUnique({ where: { name: theme.name }, select: { id: true } })) throw duplicateName();
  try {
    const row = await deps.prisma.dashboardTheme.create({
      data: { id: newId(), ...theme, colors: JSON.stringify(theme.colors), tags: JSON.stringify(theme.tags), search: themeSearchText(theme) },
    });
    return themeDto(row);
  } catch (error) {
    // Two creations of one name at once: the unique index decides.
    if (isUniqueViolation(error)) throw duplicateName();
    throw error;
  }
}

/** POST /api/themes. */
export async function createDashboardTheme(deps: ThemeDeps, body: unknown): Promise<DashboardTheme> {
  const parsed = parseThemeInput(body);
  if (!parsed.ok) throw invalid(parsed.errors);
  return insertTheme(deps, parsed.theme);
}

/** GET /api/themes: public themes (or one author's), newest first unless asked otherwise. */
export async function searchDashboardThemes(deps: ThemeDeps, search: ThemeSearch): Promise<DashboardTheme[]> {
  const rows = await deps.prisma.dashboardTheme.findMany({
    where: {
      ...(search.authorId ? { authorId: search.authorId } : { isPublic: true }),
      ...(search.query ? { search: { contains: search.query.toLowerCase() } } : {}),
    },
    orderBy: [{ [THEME_SORTS[search.sortBy ?? "created"]]: search.sortOrder ?? "desc" }, { id: "asc" }],
    take: Math.min(search.limit ?? MAX_THEME_PAGE, MAX_THEME_PAGE),
    skip: search.offset ?? 0,
  });
  return rows.map(themeDto);
}

/** GET /api/themes/:id: the theme as it was read; a public one's download count goes up (as the original). */
export async function getDashboardTheme(deps: ThemeDeps, id: string): Promise<DashboardTheme> {
  const row = await deps.prisma.dashboardTheme.findUnique({ where: { id } });
  if (!row) throw themeNotFound(id);
  if (row.isPublic) await deps.prisma.dashboardTheme.updateMany({ where: { id }, data: { downloadCount: { increment: 1 } } });
  return themeDto(row);
}

/**
 * PUT /api/themes/:id: as the original, the body is the whole theme (display name and colours are required again),
 * the name never changes and the author stays who created it.
 */
export async function updateDashboardTheme(deps: ThemeDeps, id: string, body: unknown): Promise<DashboardTheme> {
  const existing = await deps.prisma.dashboardTheme.findUnique({ where: { id }, select: { name: true } });
  if (!existing) throw themeNotFound(id);
  const parsed = parseThemeInput(body, { keepName: existing.name });
  if (!parsed.ok) throw invalid(parsed.errors);
  const { displayName, description, colors, isPublic, tags } = parsed.theme;
  const updated = await deps.prisma.dashboardTheme.updateManyAndReturn({
    where: { id },
    data: { displayName, description, isPublic, colors: JSON.stringify(colors), tags: JSON.stringify(tags), search: themeSearchText(parsed.theme) },
  });
  if (!updated[0]) throw themeNotFound(id); // deleted meanwhile
  return themeDto(updated[0]);
}

/** DELETE /api/themes/:id(?authorId=…): with an author named, only that author's theme goes. */
export async function deleteDashboardTheme(deps: ThemeDeps, id: string, authorId?: string): Promise<void> {
  const row = await deps.prisma.dashboardTheme.findUnique({ where: { id }, select: { authorId: true } });
  if (!row) throw themeNotFound(id);
  if (authorId && row.authorId !== authorId) {
    throw new DomainError("FORBIDDEN", "Unauthorized - you can only delete your own themes", { field: "authorId" });
  }
  const { count } = await deps.prisma.dashboardTheme.deleteMany({ where: { id } });
  if (count === 0) throw themeNotFound(id);
}

/** GET /api/themes/:id/export: the original's file, without the server's own fields. */
export async function exportDashboardTheme(deps: ThemeDeps, id: string, now = new Date()) {
  const row = await deps.prisma.dashboardTheme.findUnique({ where: { id } });
  if (!row) throw themeNotFound(id);
  const { name, displayName, description, colors, isPublic, authorName, tags } = themeDto(row);
  return {
    version: "1.0.0",
    theme: { name, displayName, description, colors, isPublic, authorName, tags },
    exportedAt: now.toISOString(),
    exportedBy: "observability-system",
  };
}

/** POST /api/themes/import(?authorId=…): an exported file's theme, created private, by "Imported" unless it names its author. */
export async function importDashboardTheme(deps: ThemeDeps, body: unknown, authorId?: string): Promise<DashboardTheme> {
  const theme = body && typeof body === "object" ? (body as { theme?: unknown }).theme : undefined;
  if (!theme || typeof theme !== "object" || Array.isArray(theme)) {
    throw invalid([{ field: "theme", message: "the import must hold a theme object", code: "REQUIRED" }], "Invalid import data - missing theme");
  }
  const given = theme as Record<string, unknown>;
  const authorName = typeof given.authorName === "string" && given.authorName ? given.authorName : "Imported";
  return createDashboardTheme(deps, { ...given, authorId: authorId ?? null, authorName, isPublic: false });
}

/** GET /api/themes/stats. */
export async function dashboardThemeStats(deps: ThemeDeps) {
  const [all, publicThemes] = await Promise.all([
    deps.prisma.dashboardTheme.aggregate({ _count: { _all: true }, _sum: { downloadCount: true }, _avg: { rating: true } }),
    deps.prisma.dashboardTheme.count({ where: { isPublic: true } }),
  ]);
  const totalThemes = all._count._all;
  return {
    totalThemes,
    publicThemes,
    privateThemes: totalThemes - publicThemes,
    totalDownloads: all._sum.downloadCount ?? 0,
    averageRating: all._avg.rating ?? 0,
  };
}
