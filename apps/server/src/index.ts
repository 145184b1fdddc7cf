// What other packages (e2e, benchmarks) may use of the server; the CLI is `bin/rozet.js`.
export { startServer, DEFAULT_WEB_DIST, type RunningServer } from "./server.ts";
export { configFromEnv, homePaths, parseConfig, type ServerConfig, type ServerConfigInput } from "./config.ts";
export { runDemo } from "./demo/run-demo.ts";
