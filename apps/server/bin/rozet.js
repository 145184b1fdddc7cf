#!/usr/bin/env node
// The `rozet` command. TypeScript sources run through tsx, so the repo needs no build step for the server.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
