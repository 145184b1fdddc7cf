import { afterAll } from "vitest";
import { stopTestCluster } from "./test-store.ts";

// Runs in every test file (vitest setupFiles): the file's Postgres cluster, if it started one, ends with the file.
afterAll(stopTestCluster, 60_000);
