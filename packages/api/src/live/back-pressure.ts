export interface DrainableSocket {
  bufferedAmount: number;
  readyState: number;
}

/** Above this many unsent bytes on a client's socket, subscriptions stop producing until it drains. */
export const SOCKET_HIGH_WATER = 1024 * 1024;
const SOCKET_LOW_WATER = 256 * 1024;
const POLL_MS = 10;

/**
 * tRPC's ws adapter sends without looking at `bufferedAmount`, so a client that stops reading would grow server
 * memory without bound. Subscriptions await this before each yield.
 */
export async function waitForDrain(socket: DrainableSocket | null, signal: AbortSignal | undefined): Promise<void> {
  if (!socket || socket.bufferedAmount < SOCKET_HIGH_WATER) return;
  while (socket.bufferedAmount > SOCKET_LOW_WATER && socket.readyState === 1 && !signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
