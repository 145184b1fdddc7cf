import type { RouterOutputs } from "@rozet/api";

/** What `system.access` answers: whether a token is needed, whose token this is, whether the room is observe-only. */
export type AccessInfo = RouterOutputs["system"]["access"];

/** A token is needed and the stored one is missing or was refused (the server recognised no one). */
export function needsSignIn(info: AccessInfo): boolean {
  return info.tokenRequired && info.principal === null;
}

/** Agent, task, permission and command actions: an operator or admin, and the room not observe-only. */
export function canOperate(info: AccessInfo): boolean {
  const role = info.principal?.role;
  return !info.observeOnly && (role === "operator" || role === "admin");
}

/** Sessions (create, archive): an operator or admin; observe-only does not stop these. */
export function canChangeSessions(info: AccessInfo): boolean {
  const role = info.principal?.role;
  return role === "operator" || role === "admin";
}

export function isAdmin(info: AccessInfo): boolean {
  return info.principal?.role === "admin";
}
