#!/usr/bin/env -S node --max-semi-space-size=4
// The `rozet` command. TypeScript sources run through tsx, so the repo needs no build step for the server.
// A 4 MB young generation (V8 default 16) keeps the server near 150 MB idle / 180 MB under load: ingest
// allocates many short-lived objects, and a big nursery only holds them longer. bench/lib/children.ts matches it.
// libuv's thread pool (default 4 threads) runs the event store's and the audit log's fdatasyncs, which take 50–500 ms
// while agents load the disk; with 4 threads, file reads and the next syncs queue behind them. Set before any
// asynchronous file work creates the pool; an operator's own UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= "16";
const { register } = await import("tsx/esm/api");

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
