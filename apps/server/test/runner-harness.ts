import { spawn, type ChildProcess } from "node:child_process";
import { waitForAsync } from "./agent-harness.ts";
import { ROZET_BIN, tempHome } from "./harness.ts";

export interface RunnerProcess {
  child: ChildProcess;
  home: string;
  /** Resolves with the exit signal or code. */
  exited: Promise<string>;
  output(): string;
}

/** `rozet runner` as a real child process (its own temp home), resolved once it says it is up. */
export async function startRunnerProcess(options: { serverUrl: string; token: string; name: string; args?: string[] }): Promise<RunnerProcess> {
  const home = tempHome();
  const child = spawn(process.execPath, [ROZET_BIN, "runner", "--server", options.serverUrl, "--token", options.token, "--name", options.name, "--home", home, ...(options.args ?? [])], {
    env: { ...process.env, ROZET_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? String(code))));
  try {
    await waitForAsync(async () => output.includes("is up"), 30_000, `runner ${options.name} up`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the runner said: ${output}`, { cause: error });
  }
  return { child, home, exited, output: () => output };
}
