import { defineConfig } from "vitest/config";

// Unit tests cover pure state modules (reducers, batching, formatting); they need no DOM and no Solid compiler.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
  },
});
