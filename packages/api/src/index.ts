import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { appRouter, type AppRouter } from "./root.ts";
export { createContextFactory, type Context, type ContextDeps, type Telemetry } from "./context.ts";
export { clientAddress, isLoopbackAddress, presentedToken, resolveAccess, type Access, type AccessPolicy, type Principal } from "./access/principal.ts";
export { defaultRateLimits, RateLimits, TokenBuckets, type BucketConfig, type RateLimitConfig } from "./access/rate-limits.ts";
export { auditEntrySchema, auditTarget, type AuditEntry, type AuditFilter, type AuditTrail } from "./access/audit.ts";
export { requiredRole, type AccessMeta } from "./trpc.ts";
export { domainErrorMap } from "./errors.ts";
export { boundedPayload, MAX_PAYLOAD_DEPTH, nestingDepth } from "./json-text.ts";
export { SOCKET_HIGH_WATER } from "./live/back-pressure.ts";
export { longLoopTurns } from "./live/loop-turns.ts";
export { ingestLimits, parseIngestBody, parseIngestEvent, parseIngestText, parseJsonText, ingestReceipt, type IngestEventInput } from "./routers/ingest.contracts.ts";
/** The wire shapes of ingested events (tests generate bodies from them). */
export { enrichedEventSchema, legacyEventSchema } from "./routers/ingest.contracts.ts";
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { createOpenApiDocument, type OpenAPIObject } from "./openapi.ts";
export { restErrorSchema } from "./rest-error.ts";
export type { RozetMeta } from "./trpc.ts";
