/**
 * Agent colours. Within a session, agents take well-separated hues from a palette in roster order (so two agents
 * never look alike); an agent not in the roster yet falls back to a stable hash of its id (FNV-1a).
 * Themes choose saturation and lightness (`--agent-s`, `--agent-l`) so the colour reads on either background.
 */
const PALETTE = [212, 24, 145, 282, 350, 48, 186, 95, 318, 4, 250, 120];

export function agentHue(agentId: string | null | undefined): number {
  if (!agentId) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i++) {
    hash ^= agentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 360;
}

/** Hues for a roster, in its order; use `hues.get(id) ?? agentHue(id)`. */
export function rosterHues(agentIds: readonly string[]): Map<string, number> {
  return new Map(agentIds.map((id, i) => [id, PALETTE[i % PALETTE.length]! + 7 * Math.floor(i / PALETTE.length)]));
}

export function hueStyle(hue: number | null): Record<string, string> {
  return hue === null ? {} : { "--agent-hue": String(hue) };
}

export function shortId(id: string): string {
  return id.length > 10 ? id.slice(0, 8) : id;
}
