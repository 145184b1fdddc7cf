import type { Bus } from "@rozet/db";
import type { ControlMessage } from "../control-feed.ts";

/**
 * Resolves with the first control-feed update `pick` returns a value for (rejects when it throws). Listens from
 * the call on: call it before the action whose outcome it waits for.
 */
export function nextControlUpdate<T>(bus: Bus, pick: (update: ControlMessage) => T | undefined): { result: Promise<T>; cancel: () => void } {
  let unsubscribe = () => {};
  const result = new Promise<T>((resolve, reject) => {
    unsubscribe = bus.subscribe("control", ({ update }) => {
      let value: T | undefined;
      try {
        value = pick(update as ControlMessage);
      } catch (error) {
        unsubscribe();
        reject(error);
        return;
      }
      if (value === undefined) return;
      unsubscribe();
      resolve(value);
    });
  });
  return { result, cancel: () => unsubscribe() };
}
