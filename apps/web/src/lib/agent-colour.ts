/**
 * A stable hue per agent id (FNV-1a hash), so the same agent has the same colour on every page and reload.
 * Themes choose saturation and lightness (`--agent-s`, `--agent-l`) so the colour reads on either background.
 */
export function agentHue(agentId: string | null | undefined): number {
  if (!agentId) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i++) {
    hash ^= agentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Golden-angle spread keeps neighbouring hashes apart.
  return Math.round(((hash >>> 0) * 137.508) % 360);
}

export function agentStyle(agentId: string | null | undefined): Record<string, string> {
  return agentId ? { "--agent-hue": String(agentHue(agentId)) } : {};
}

export function shortId(id: string): string {
  return id.length > 10 ? id.slice(0, 8) : id;
}
