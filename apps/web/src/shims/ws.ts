/**
 * Browser stand-in for the `ws` package. `@rozet/api/client` imports `ws` only as a fallback for runtimes without a
 * global WebSocket (Node 20); browsers always have one, so the bundle gets this instead of the Node implementation.
 */
export const WebSocket = globalThis.WebSocket;
export default WebSocket;
