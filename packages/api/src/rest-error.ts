import { z } from "zod";

/**
 * The body of every REST error (REST routes from the router, ingest, exports, the request guard): a stable code
 * (a domain code such as NOT_FOUND or INVALID_INPUT, or the guard's BAD_HOST / FORBIDDEN_ORIGIN), a message that
 * names the field or id at fault, and for bad input the messages per field.
 */
export const restErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      /** Per top-level input field, what is wrong with it (a nested field is named in the message). */
      fieldErrors: z.record(z.string(), z.array(z.string())).nullable().optional(),
      /** For an unexpected failure: the id the server log records it under. */
      correlationId: z.string().nullable().optional(),
    }),
  })
  .meta({ id: "Error" });
