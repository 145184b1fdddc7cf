import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** A PostgreSQL server of its own for a test or a bench: a temp data dir, a free loopback port, stopped by `stop()`. */
export interface TestPostgres {
  /** Connection URL (user `rozet`, trust auth on loopback only, database `postgres`). */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Fast shutdown, waits for the process to exit, removes the data dir. */
  stop(): Promise<void>;
}

export interface TestPostgresOptions {
  /** fsync on (the default) measures real commits; off makes a throwaway test cluster faster. */
  fsync?: boolean;
}

const USER = "rozet";

/**
 * Where Debian's `postgresql` package puts the server binaries (`/usr/lib/postgresql/<major>/bin`, the newest
 * major), or `ROZET_PG_BIN`. Null when neither exists.
 */
export function postgresBinDir(): string | null {
  if (process.env.ROZET_PG_BIN) return process.env.ROZET_PG_BIN;
  const root = "/usr/lib/postgresql";
  let majors: string[];
  try {
    majors = readdirSync(root).filter((v) => /^\d+$/.test(v));
  } catch {
    return null;
  }
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, "bin") : null;
}

/**
 * Starts a throwaway cluster. `initdb` and `postgres` refuse to run as root, so as root both run as the `postgres`
 * system user (setpriv) on a data dir handed over to it. Ready is the server's own "ready to accept connections"
 * line, not a sleep. The server is killed if this process exits without stopping it.
 */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL server binaries not found: apt-get install postgresql (or set ROZET_PG_BIN)");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rozet-pg-"));
  const asUser = unprivilegedUser(dataDir);
  const run = (file: string, args: string[]) => (asUser ? { command: "setpriv", args: [...asUser, path.join(bin, file), ...args] } : { command: path.join(bin, file), args });
  try {
    const init = run("initdb", ["-D", path.join(dataDir, "data"), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    const initResult = spawnSync(init.command, init.args, { encoding: "utf8" });
    if (initResult.status !== 0) throw new Error(`initdb failed: ${initResult.stderr || initResult.error?.message}`);
    // A port picked free can be taken before the server binds it: then try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await startServer(run, dataDir, port, options.fsync ?? true);
      if ("child" in started) return handle(started.child, dataDir, port);
      if (!started.portTaken || attempt >= 5) throw new Error(`postgres did not start: ${started.log}`);
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** As root: the setpriv arguments that run a command as the `postgres` user, which then owns `dir`. */
function unprivilegedUser(dir: string): string[] | null {
  if (process.getuid?.() !== 0) return null;
  const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (ids.status !== 0 || gids.status !== 0) throw new Error("running as root needs the postgres system user (apt-get install postgresql)");
  const uid = Number(ids.stdout.trim());
  const gid = Number(gids.stdout.trim());
  chownSync(dir, uid, gid);
  return [`--reuid=${uid}`, `--regid=${gid}`, "--init-groups", "--"];
}

function startServer(
  run: (file: string, args: string[]) => { command: string; args: string[] },
  dataDir: string,
  port: number,
  fsync: boolean,
): Promise<{ child: ChildProcess } | { log: string; portTaken: boolean }> {
  const { command, args } = run("postgres", [
    "-D", path.join(dataDir, "data"),
    "-p", String(port),
    "-c", "listen_addresses=127.0.0.1",
    "-c", `unix_socket_directories=${dataDir}`,
    "-c", `fsync=${fsync ? "on" : "off"}`,
    "-c", "max_connections=50",
  ]);
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve) => {
    let log = "";
    const onData = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.includes("ready to accept connections")) {
        child.stderr.off("data", onData);
        child.stderr.resume(); // keep draining the log so the server never blocks on a full pipe
        child.off("exit", onExit);
        resolve({ child });
      }
    };
    const onExit = () => resolve({ log, portTaken: /could not bind|Address already in use/.test(log) });
    child.stderr.on("data", onData);
    child.once("exit", onExit);
  });
}

function handle(child: ChildProcess, dataDir: string, port: number): TestPostgres {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    url: `postgres://${USER}@127.0.0.1:${port}/postgres`,
    port,
    pid: child.pid!,
    dataDir,
    async stop() {
      process.off("exit", killOnExit);
      // SIGINT is Postgres's fast shutdown: clients are disconnected, the server exits cleanly.
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh, empty database on a test cluster (cheap: a copy of template1); returns its URL. */
export async function createTestDatabase(server: TestPostgres, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL on a test database over a connection of its own (tests that break the store under a running server). */
export async function runSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
