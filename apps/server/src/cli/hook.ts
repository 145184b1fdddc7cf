/**
 * `rozet hook`: a Claude Code command hook. Reads the hook payload on stdin and posts it to the control room.
 * It must never slow down or fail the agent: short timeout, every error swallowed, always exit 0.
 */
export async function runHook(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const base = (flag(argv, "--url") ?? env.ROZET_URL ?? "http://127.0.0.1:4800").replace(/\/+$/, "");
  const app = flag(argv, "--app") ?? env.ROZET_SOURCE_APP;
  const timeoutMs = Number(env.ROZET_HOOK_TIMEOUT_MS ?? 2_000);
  try {
    const body = await readStdin(4 * 1024 * 1024);
    if (!body.trim()) return;
    const query = new URLSearchParams();
    if (app) query.set("app", app);
    if (env.ROZET_AGENT_ID) query.set("agent", env.ROZET_AGENT_ID);
    await fetch(`${base}/hooks/claude?${query.toString()}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(env.ROZET_TOKEN ? { authorization: `Bearer ${env.ROZET_TOKEN}` } : {}) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (env.ROZET_HOOK_DEBUG) process.stderr.write(`rozet hook: ${(error as Error).message}\n`);
  }
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function readStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`hook payload larger than ${maxBytes} bytes; not sent`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
