import type { PermissionRuleDto } from "../dto.ts";

/** What a rule's pattern is matched against: the file path a tool touches, or the command it runs. */
export function permissionSubject(input: Record<string, unknown>): string | null {
  for (const key of ["file_path", "notebook_path", "path", "command", "url", "pattern"]) {
    const value = input[key];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return null;
}

/** Glob → RegExp: `*` matches any run of characters (slashes included), `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*+/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

function ruleMatches(rule: PermissionRuleDto, toolName: string, subject: string | null): boolean {
  if (rule.tool !== "*" && rule.tool !== toolName) return false;
  if (rule.pattern === null) return true;
  return subject !== null && globToRegExp(rule.pattern).test(subject);
}

/**
 * The rule that decides a request, if any: deny rules win over ask, ask over allow, so a broad allow can be
 * narrowed by a specific deny or ask. No match means ask the operator (the default; never auto-approve).
 */
export function decideByRules(rules: PermissionRuleDto[], toolName: string, input: Record<string, unknown>): PermissionRuleDto | null {
  const subject = permissionSubject(input);
  const matching = rules.filter((rule) => ruleMatches(rule, toolName, subject));
  return matching.find((r) => r.action === "deny") ?? matching.find((r) => r.action === "ask") ?? matching.find((r) => r.action === "allow") ?? null;
}
