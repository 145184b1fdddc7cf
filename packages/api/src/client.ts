import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  retryLink,
  splitLink,
  wsLink,
  type TRPCClient,
} from "@trpc/client";
import { WebSocket as NodeWebSocket } from "ws";
import type { AppRouter } from "./root.ts";

export interface RozetClientOptions {
  /** The control room's base URL, e.g. http://127.0.0.1:4800 */
  url: string;
  /** The operator token (ROZET_TOKEN); required when the server is not on loopback. */
  token?: string | undefined;
  /** WebSocket implementation; defaults to the global one (browsers, Node ≥ 22) or the `ws` package. */
  WebSocket?: typeof globalThis.WebSocket;
  /** false: one HTTP request per call, so a long poll never holds up the calls made beside it (runners). */
  batch?: boolean | undefined;
}

export interface RozetClient {
  api: TRPCClient<AppRouter>;
  /** Closes the WebSocket (subscriptions end). */
  close: () => Promise<void>;
}

function defaultWebSocket(): typeof globalThis.WebSocket {
  if (typeof globalThis.WebSocket === "function") return globalThis.WebSocket;
  // Node 20 has no global WebSocket; `ws` is API-compatible for what the tRPC client uses.
  return NodeWebSocket as unknown as typeof globalThis.WebSocket;
}

/** Connection drops (no code) and server-side trouble are retried; a refusal (bad input, no token) is not. */
function isTransient(code: string | undefined): boolean {
  return code === undefined || code === "INTERNAL_SERVER_ERROR" || code === "TOO_MANY_REQUESTS" || code === "SERVICE_UNAVAILABLE";
}

/**
 * Typed client for scripts and the web app: queries and mutations over HTTP (batched; they survive socket drops),
 * subscriptions over one WebSocket that reconnects and resumes from the last event id it saw.
 */
export function createRozetClient(options: RozetClientOptions): RozetClient {
  const base = options.url.replace(/\/+$/, "");
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, "ws")}/trpc`,
    WebSocket: options.WebSocket ?? defaultWebSocket(),
    connectionParams: options.token ? { token: options.token } : undefined,
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    lazy: { enabled: true, closeMs: 0 },
  });
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // retryLink keeps a subscription alive across server errors and restarts; it resumes with lastEventId.
        true: [
          retryLink({
            retry: ({ error, attempts }) => attempts < 1_000 && isTransient(error.data?.code),
            retryDelayMs: (n) => Math.min(200 * 2 ** n, 5_000),
          }),
          wsLink({ client: wsClient }),
        ],
        false: options.batch === false ? httpLink({ url: `${base}/trpc`, headers }) : httpBatchLink({ url: `${base}/trpc`, headers, maxURLLength: 4_000 }),
      }),
    ],
  });
  return {
    api,
    async close() {
      await wsClient.close();
    },
  };
}

export type { AppRouter } from "./root.ts";
export type { RouterInputs, RouterOutputs } from "./index.ts";
