#!/usr/bin/env -S node --max-semi-space-size=4
// The `rozet` command. TypeScript sources run through tsx, so the repo needs no build step for the server.
// A 4 MB young generation (V8 default 16) keeps the server near 150 MB idle / 180 MB under load: ingest
// allocates many short-lived objects, and a big nursery only holds them longer. bench/lib/children.ts matches it.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
