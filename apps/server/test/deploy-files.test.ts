import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// `yaml` is already in the tree (a dependency of the build tooling); no YAML parser was added for this test.
import { parse as parseYaml } from "yaml";
import { removeHome, startTestServer } from "./harness.ts";

// Docker is not available where this suite runs (no daemon), so the deploy files are checked structurally here:
// they parse, they point at files that exist, and the dashboard queries only metrics the server really serves.

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const yamlOf = (file: string) => parseYaml(read(file)) as Record<string, unknown>;

let families: Set<string>;
beforeAll(async () => {
  const server = await startTestServer();
  try {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
  } finally {
    await server.close();
    removeHome(server.home);
  }
});

/** A family name from a sample name used in a query (`x_bucket` → `x`). */
const familyOf = (name: string) => name.replace(/_(bucket|count|sum)$/, "");

describe("deploy files", () => {
  it("the Grafana dashboard queries only metrics /metrics serves, and shows every family docs/operations.md lists", () => {
    const dashboard = JSON.parse(read("deploy/grafana/dashboards/rozet-control-room.json")) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.uid).toBe("rozet-control-room");
    const queried = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/\brozet_[a-z0-9_]+/g)].map((m) => familyOf(m[0])))));
    for (const name of queried) expect(families.has(name), `${name} is not served by /metrics`).toBe(true);

    const operations = read("docs/operations.md");
    const start = operations.indexOf("\n## Metrics");
    const end = operations.indexOf("\n## ", start + 1);
    const metricsSection = operations.slice(start, end === -1 ? undefined : end);
    const documented = [...metricsSection.matchAll(/^\| `([a-z_*]+)`(?:, `([a-z_*]+)`)? \|/gm)].flatMap((m) => [m[1]!, m[2]].filter((x): x is string => !!x));
    expect(documented.length).toBeGreaterThan(15);
    for (const name of documented.filter((n) => !n.includes("*"))) expect(families.has(name), `docs list ${name}, /metrics does not serve it`).toBe(true);
    for (const name of documented.filter((n) => !n.includes("*") && !n.startsWith("rozet_ui_"))) expect(queried.has(name), `dashboard has no panel on ${name}`).toBe(true);
  });

  it("docker-compose.yml: the home on a volume, the token from the environment, monitoring behind a profile", () => {
    const compose = yamlOf("docker-compose.yml") as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };
    const rozet = compose.services.rozet!;
    expect(rozet.build).toBe(".");
    expect(rozet.volumes).toContain("rozet-home:/data");
    expect(Object.keys(compose.volumes)).toContain("rozet-home");
    const env = rozet.environment as Record<string, string>;
    expect(env.ROZET_TOKEN).toMatch(/^\$\{ROZET_TOKEN:\?/);
    expect(env.ROZET_HOME).toBe("/data");
    expect(rozet.profiles).toBeUndefined();
    for (const name of ["prometheus", "grafana"]) expect(compose.services[name]!.profiles).toEqual(["monitoring"]);
    // Every file mounted from the repository exists.
    for (const service of Object.values(compose.services)) {
      for (const volume of (service.volumes as string[] | undefined) ?? []) {
        const source = volume.split(":")[0]!;
        if (source.startsWith("./")) expect(existsSync(path.join(root, source)), source).toBe(true);
      }
    }
    // Prometheus scrapes the rozet service's /metrics with the token, which its entrypoint writes from the env.
    const prometheus = yamlOf("deploy/prometheus/prometheus.yml") as { scrape_configs: { metrics_path: string; authorization: { credentials_file: string }; static_configs: { targets: string[] }[] }[] };
    const [job] = prometheus.scrape_configs;
    expect(job).toMatchObject({ metrics_path: "/metrics", static_configs: [{ targets: ["rozet:4800"] }] });
    expect((compose.services.prometheus!.entrypoint as string[]).join(" ")).toContain(`> ${job!.authorization.credentials_file}`);
    expect(env.ROZET_ALLOWED_HOSTS).toContain("rozet");
    // Grafana: the datasource the dashboard uses, dashboards loaded from where compose mounts them.
    const datasources = yamlOf("deploy/grafana/provisioning/datasources/prometheus.yml") as { datasources: { uid: string; url: string }[] };
    expect(datasources.datasources[0]).toMatchObject({ uid: "rozet-prometheus", url: "http://prometheus:9090" });
    const providers = yamlOf("deploy/grafana/provisioning/dashboards/rozet.yml") as { providers: { options: { path: string } }[] };
    expect(compose.services.grafana!.volumes).toContain(`./deploy/grafana/dashboards:${providers.providers[0]!.options.path}:ro`);
  });

  it("Dockerfile: multi-stage, non-root, a healthcheck, the CLI that exists", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/^EXPOSE 4800$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(existsSync(path.join(root, (JSON.parse(cmd) as string[])[1]!))).toBe(true);
  });

  it("systemd unit: runs the CLI as its own user with the token from an environment file", () => {
    const unit = read("deploy/systemd/rozet.service");
    for (const section of ["[Unit]", "[Service]", "[Install]"]) expect(unit).toContain(section);
    expect(unit).toMatch(/^User=rozet$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/rozet\.env$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/rozet\/apps\/server\/bin\/rozet\.js start$/m);
  });

  it("CI runs .ci/run on the Node lines package.json engines names", () => {
    const workflow = yamlOf(".github/workflows/ci.yml") as { jobs: { test: { strategy: { matrix: { node: number[] } }; steps: { run?: string }[] } } };
    const lines = workflow.jobs.test.strategy.matrix.node;
    expect(lines).toEqual([22, 24]);
    expect(workflow.jobs.test.steps.some((step) => step.run === ".ci/run")).toBe(true);
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    for (const line of lines) expect(engines).toMatch(new RegExp(`\\^${line}\\.`));
  });
});
