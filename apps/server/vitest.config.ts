import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Servers, SQLite files and child processes: run files one at a time on a 2-core box.
    fileParallelism: false,
    // ROZET_TEST_STORE=postgres: each file's Postgres cluster is stopped after it.
    setupFiles: ["test/setup-store.ts"],
  },
});
