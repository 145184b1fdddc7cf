import { z } from "zod";

/**
 * The hook-observability dashboard's own types (disler/claude-code-hooks-multi-agent-observability,
 * apps/client/src/types.ts: HookEvent, FilterOptions, WebSocketMessage), transcribed into zod. Strict objects:
 * a field that dashboard does not know is a failure too.
 */
export const humanInTheLoop = z.strictObject({
  question: z.string(),
  responseWebSocketUrl: z.string(),
  type: z.enum(["question", "permission", "choice"]),
  choices: z.array(z.string()).optional(),
  timeout: z.number().optional(),
  requiresResponse: z.boolean().optional(),
});
export const hookEvent = z.strictObject({
  id: z.number().optional(),
  source_app: z.string(),
  session_id: z.string(),
  hook_event_type: z.string(),
  payload: z.record(z.string(), z.any()),
  chat: z.array(z.any()).optional(),
  summary: z.string().optional(),
  timestamp: z.number().optional(),
  model_name: z.string().optional(),
  humanInTheLoop: humanInTheLoop.optional(),
  humanInTheLoopStatus: z.strictObject({ status: z.enum(["pending", "responded", "timeout", "error"]), respondedAt: z.number().optional(), response: z.any().optional() }).optional(),
});
export const filterOptions = z.strictObject({ source_apps: z.array(z.string()), session_ids: z.array(z.string()), hook_event_types: z.array(z.string()) });
export const webSocketMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("initial"), data: z.array(hookEvent) }),
  z.strictObject({ type: z.literal("event"), data: hookEvent }),
]);
export type HookEvent = z.infer<typeof hookEvent>;

/**
 * Its theme API (apps/server/src/types.ts there: Theme, ThemeValidationError, ApiResponse; the export file of
 * theme.ts `exportThemeById`). Optional texts the server reads back as null from its own database are nullable.
 */
const color = z.string().min(1);
export const themeColors = z.strictObject({
  primary: color, primaryHover: color, primaryLight: color, primaryDark: color,
  bgPrimary: color, bgSecondary: color, bgTertiary: color, bgQuaternary: color,
  textPrimary: color, textSecondary: color, textTertiary: color, textQuaternary: color,
  borderPrimary: color, borderSecondary: color, borderTertiary: color,
  accentSuccess: color, accentWarning: color, accentError: color, accentInfo: color,
  shadow: color, shadowLg: color, hoverBg: color, activeBg: color, focusRing: color,
});
export const theme = z.strictObject({
  id: z.string(),
  name: z.string().regex(/^[a-z0-9-_]+$/),
  displayName: z.string(),
  description: z.string().nullable().optional(),
  colors: themeColors,
  isPublic: z.boolean(),
  authorId: z.string().nullable().optional(),
  authorName: z.string().nullable().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  tags: z.array(z.string()),
  downloadCount: z.number().optional(),
  rating: z.number().optional(),
  ratingCount: z.number().optional(),
});
export const themeValidationError = z.strictObject({ field: z.string(), message: z.string(), code: z.string() });
/** ApiResponse<T>; a failure also carries Rozet's `code` and the `field` it names (extra fields the page ignores). */
export const apiResponse = <T extends z.ZodType>(data: T) =>
  z.strictObject({
    success: z.boolean(),
    data: data.optional(),
    error: z.string().optional(),
    message: z.string().optional(),
    validationErrors: z.array(themeValidationError).optional(),
    code: z.string().optional(),
    field: z.string().optional(),
  });
export const themeExport = z.strictObject({
  version: z.literal("1.0.0"),
  theme: theme.omit({ id: true, authorId: true, downloadCount: true, rating: true, ratingCount: true, createdAt: true, updatedAt: true }),
  exportedAt: z.string(),
  exportedBy: z.string().optional(),
});
export const themeStats = z.strictObject({ totalThemes: z.number(), publicThemes: z.number(), privateThemes: z.number(), totalDownloads: z.number(), averageRating: z.number() });
