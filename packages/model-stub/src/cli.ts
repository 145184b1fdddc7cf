import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startModelStub } from './server.ts';

// `rozet stub-model --scenario FILE [--port N] [--host H]`: serve a scenario until SIGINT/SIGTERM.

const USAGE = 'usage: stub-model --scenario FILE [--port N] [--host 127.0.0.1]';

export async function runStubModelCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', short: 's' },
      port: { type: 'string', short: 'p', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.scenario) throw new Error(`--scenario is required\n${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);

  const stub = await startModelStub({ scenario: values.scenario, port, host: values.host });
  console.log(`model stub listening on ${stub.url}`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await stub.close();
}

// Also runnable directly: `tsx packages/model-stub/src/cli.ts --scenario …`.
function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  runStubModelCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
