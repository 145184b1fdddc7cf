import { defineConfig } from "vitest/config";

// Browser tests against a real server and real Claude Code agents (through the model stub): one file at a time
// (two cores), generous timeouts for agent start-up.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    setupFiles: ["./src/matchers.ts"],
  },
});
