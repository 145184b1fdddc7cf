// Import rules CI enforces (`npm run depcruise`, part of `npm test`): no cycles, and the layers of STYLE.md
// ("Layers"): web → api (types and the client) and vocabulary; server → api, orchestrator, db, vocabulary; api → the
// domain; the domain (orchestrator, db) imports none of api, server or web; vocabulary imports nothing of ours.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: move the shared part down a layer, or pass the dependency in (STYLE.md 16).",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that does not resolve to a file or an installed package.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "web-only-api-and-vocabulary",
      severity: "error",
      comment: "The page talks to the server over the wire: it imports @rozet/api and @rozet/vocabulary only.",
      from: { path: "^apps/web/" },
      to: { path: "^(apps/server|packages/(orchestrator|db|model-stub)|e2e|bench)/" },
    },
    {
      name: "web-api-types-and-client-only",
      severity: "error",
      comment: "From @rozet/api the page takes types (import type) and the client (@rozet/api/client), no server code.",
      from: { path: "^apps/web/" },
      to: { path: "^packages/api/", pathNot: "^packages/api/src/client[.]ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "server-not-web",
      severity: "error",
      comment: "The server serves the built page; it does not import its code.",
      from: { path: "^apps/server/" },
      to: { path: "^(apps/web|e2e|bench)/" },
    },
    {
      name: "api-only-domain",
      severity: "error",
      comment: "The router is hostable anywhere: it imports the domain (orchestrator, db, vocabulary) only.",
      from: { path: "^packages/api/" },
      to: { path: "^(apps|e2e|bench)/|^packages/model-stub/" },
    },
    {
      name: "domain-not-api",
      severity: "error",
      comment: "The domain knows nothing about transport: orchestrator and db import none of api, server or web.",
      from: { path: "^packages/(orchestrator|db)/" },
      to: { path: "^packages/api/" },
    },
    {
      name: "db-not-orchestrator",
      severity: "error",
      comment: "packages/db is the data layer under the orchestrator.",
      from: { path: "^packages/db/" },
      to: { path: "^packages/orchestrator/" },
    },
    {
      name: "vocabulary-standalone",
      severity: "error",
      comment: "@rozet/vocabulary is the bottom layer, shared with the page: it imports no other workspace package.",
      from: { path: "^packages/vocabulary/" },
      to: { path: "^(apps|e2e|bench)/|^packages/(?!vocabulary/)" },
    },
    {
      name: "vocabulary-no-node",
      severity: "error",
      comment: "@rozet/vocabulary runs in the browser too: no Node built-ins.",
      from: { path: "^packages/vocabulary/src/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "model-stub-standalone",
      severity: "error",
      comment: "The model stub is a stand-alone server (tests drive real Claude Code through it): none of our code.",
      from: { path: "^packages/model-stub/" },
      to: { path: "^(apps|e2e|bench)/|^packages/(?!model-stub/)" },
    },
    {
      name: "packages-not-apps",
      severity: "error",
      comment: "Packages never import an app, the e2e suite or the benchmarks.",
      from: { path: "^packages/" },
      to: { path: "^(apps|e2e|bench)/" },
    },
    {
      name: "src-not-tests",
      severity: "error",
      comment: "Shipped code does not import test code.",
      from: { path: "^(apps|packages)/[^/]+/(src|bin)/" },
      to: { path: "^(apps|packages)/[^/]+/test/" },
    },
    {
      name: "tests-own-harnesses-only",
      severity: "error",
      comment: "A test imports the harnesses of its own package only; shared helpers belong in a package.",
      from: { path: "^((apps|packages)/[^/]+)/" },
      to: { path: "^(apps|packages)/[^/]+/test/", pathNot: "^$1/test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|generated|coverage)/" },
    // `import type` counts: a type-only import still ties the layers together (and the cycle rule needs it).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
