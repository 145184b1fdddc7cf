import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import config from "../playwright.config.ts";

/** docs/testing.md cannot rot: its example is the spec file that runs, and the folders it names are the config's. */
const root = fileURLToPath(new URL("../../", import.meta.url));
const doc = readFileSync(path.join(root, "docs/testing.md"), "utf8");

test("the journey in docs/testing.md is e2e/tests/example-journey.spec.ts, character for character", () => {
  const marker = "<!-- example-journey: e2e/tests/example-journey.spec.ts -->\n```ts\n";
  const start = doc.indexOf(marker);
  expect(start, "the example's marker and its ```ts block in docs/testing.md").toBeGreaterThan(-1);
  const body = doc.slice(start + marker.length);
  const block = body.slice(0, body.indexOf("```\n"));
  expect(block).toBe(readFileSync(path.join(root, "e2e/tests/example-journey.spec.ts"), "utf8"));
});

test("docs/testing.md names the folders the config writes reports and traces to", () => {
  const e2e = path.join(root, "e2e");
  const reporters = Array.isArray(config.reporter) ? config.reporter : [];
  const html = reporters.find(([name]) => name === "html")?.[1] as { outputFolder?: string } | undefined;
  const folders = [html?.outputFolder ?? "(no html report folder)", config.outputDir ?? "(no outputDir)"].map((f) => path.relative(root, path.resolve(e2e, f)));
  expect(folders).toEqual(["reports/e2e/html", "reports/e2e/artifacts"]);
  for (const folder of folders) expect(doc).toContain(`\`${folder}/`);
});
