import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

/** The Rozet server the dev server forwards API traffic to (`ROZET_API=http://127.0.0.1:4810 npm run dev`). */
const api = process.env.ROZET_API ?? "http://127.0.0.1:4800";

export default defineConfig({
  plugins: [solid()],
  resolve: {
    alias: {
      // The typed client falls back to `ws` only where there is no global WebSocket; never in a browser.
      ws: fileURLToPath(new URL("./src/shims/ws.ts", import.meta.url)),
    },
  },
  server: {
    proxy: {
      "/trpc": { target: api, ws: true },
      "/events": { target: api },
      "/api": { target: api },
      "/healthz": { target: api },
    },
  },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
