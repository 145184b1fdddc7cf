import { parseArgs } from "node:util";

/** Flags shared by `rozet start` and `rozet demo`. */
export function parseStartFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      home: { type: "string" },
      "database-url": { type: "string" },
    },
    strict: true,
  });
  return values;
}
