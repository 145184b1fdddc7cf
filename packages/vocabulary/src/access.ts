/** Roles of API tokens, weakest first: each may do everything the ones before it may. */
export const ROLES = ["viewer", "operator", "admin"] as const;

export type Role = (typeof ROLES)[number];

/** viewer: read and subscribe · operator: command agents, answer permissions, tasks, ingest · admin: tokens, rules, deletes. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
