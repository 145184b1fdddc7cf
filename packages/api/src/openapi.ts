import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { appRouter } from "./root.ts";
import { restErrorSchema } from "./rest-error.ts";

export type { OpenAPIObject } from "trpc-to-openapi";

/** Error statuses every REST route can answer; routes with a body also 413 (too large) and 415 (not JSON). */
const errorStatuses: Record<string, string> = {
  "400": "Bad input: the message and fieldErrors name the field",
  "401": "Missing or wrong token (Authorization: Bearer <token>)",
  "404": "An id in the path or input names nothing",
  "409": "Conflicts with the current state (e.g. the agent is stopped)",
  "500": "Unexpected failure: the correlation id names it in the server log",
};
const bodyErrorStatuses: Record<string, string> = {
  "413": "The request body is over the limit",
  "415": "The body is not application/json in UTF-8",
};
/** What the generator writes under each method of a path (only operations, no $ref or shared parameters). */
interface GeneratedOperation {
  parameters?: { in: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const errorRef = { $ref: "#/components/schemas/Error" };

/**
 * The OpenAPI 3.1 document of the REST API, generated from the router's `.meta({ openapi })`, inputs and outputs.
 * Error responses are replaced by the one error body the server sends (trpc-to-openapi describes its own adapter's
 * shape), and every path parameter is required (the router's session scope is optional for tRPC callers only).
 */
export function createOpenApiDocument(): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: "Rozet Control Room",
    description: "REST over the same procedures as the tRPC API (`/trpc`). Ingest (`POST /events`, `POST /api/events`) and exports are described in docs/api.md.",
    version: "0.1.0",
    baseUrl: "/",
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ROZET_TOKEN (needed when the server has one)" } },
    defs: { Error: restErrorSchema },
  });
  for (const pathItem of Object.values(document.paths ?? {}) as Record<string, GeneratedOperation>[]) {
    for (const operation of Object.values(pathItem)) {
      for (const parameter of operation.parameters ?? []) if (parameter.in === "path") parameter.required = true;
      const statuses = { ...errorStatuses, ...(operation.requestBody ? bodyErrorStatuses : {}) };
      const responses: Record<string, unknown> = { "200": operation.responses["200"] };
      for (const [status, description] of Object.entries(statuses)) responses[status] = { description, content: { "application/json": { schema: errorRef } } };
      responses.default = { description: "Any other error (429 overloaded, 502 agent failed, 421 bad Host, 403 foreign Origin)", content: { "application/json": { schema: errorRef } } };
      operation.responses = responses;
    }
  }
  // No `servers`: clients (and the reference page) call the origin that served the document.
  delete document.servers;
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith("error.")) delete schemas[name];
  return document;
}
