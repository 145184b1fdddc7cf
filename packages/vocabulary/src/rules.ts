/** A permission rule in words, as the timeline and the page name it: `allow Bash npm test*`, `deny Write` (any input). */
export function describePermissionRule(rule: { action: string; tool: string; pattern: string | null }): string {
  return `${rule.action} ${rule.tool}${rule.pattern ? ` ${rule.pattern}` : ""}`;
}

/** The rule id in a permission answer's `answeredBy` (`rule:<id>`), or null when a person, timeout or agent answered. */
export function ruleIdOf(answeredBy: string | null | undefined): string | null {
  return answeredBy?.startsWith("rule:") ? answeredBy.slice("rule:".length) : null;
}
