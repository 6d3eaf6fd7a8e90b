import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHART, CRD_SCHEMAS, K8S_SCHEMAS, KUBE_VERSION, manifests, PROFILES, run, template, type Manifest } from "./helm";

// Every profile of the chart: helm lint --strict, its render against the committed golden file
// (UPDATE_GOLDEN=1 rewrites them; review the diff), and the Kubernetes API's own schemas
// (kubeconform, strict: an unknown field is an error).

const GOLDEN = path.join(CHART, "tests/golden");
const rendered: Record<string, string> = {};

beforeAll(async () => {
  for (const [profile, files] of Object.entries(PROFILES)) {
    const result = await template(files);
    if (!result.ok) throw new Error(`helm template (${profile}) failed:\n${result.stderr}`);
    rendered[profile] = result.stdout;
  }
}, 120_000);

describe.each(Object.keys(PROFILES))("profile %s", (profile) => {
  it("passes helm lint --strict", async () => {
    const result = await run("helm", ["lint", "--strict", ".", "--kube-version", KUBE_VERSION, ...PROFILES[profile]!.flatMap((file) => ["-f", file])]);
    expect(result.stderr + result.stdout).toContain("0 chart(s) failed");
    expect(result.ok).toBe(true);
  });

  it("renders what its golden file shows", () => {
    const file = path.join(GOLDEN, `${profile}.yaml`);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, rendered[profile]!);
    if (!existsSync(file)) throw new Error(`no golden render ${file}: run with UPDATE_GOLDEN=1 and commit it`);
    const golden = readFileSync(file, "utf8");
    if (golden !== rendered[profile]) {
      const scratch = mkdtempSync(path.join(tmpdir(), "golden-"));
      writeFileSync(path.join(scratch, `${profile}.yaml`), rendered[profile]!);
      let diff = "";
      try {
        execFileSync("diff", ["-u", file, path.join(scratch, `${profile}.yaml`)], { encoding: "utf8" });
      } catch (error) {
        diff = (error as { stdout: string }).stdout;
      }
      rmSync(scratch, { recursive: true });
      throw new Error(`the render of ${profile} changed (UPDATE_GOLDEN=1 rewrites charts/crm/tests/golden after review):\n${diff.slice(0, 6_000)}`);
    }
  });

  it("is valid against the Kubernetes API schemas, CRDs included", async () => {
    const result = await kubeconform(rendered[profile]!);
    expect(result.stderr + result.stdout).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.ok).toBe(true);
    expect(Number(/Valid: (\d+)/.exec(result.stdout)?.[1])).toBe(manifests(rendered[profile]!).length);
  });
});

describe("kubeconform", () => {
  it("reports an unknown field in a container (the schemas are strict, not permissive)", async () => {
    const deployment = manifests(rendered.default!).find((object): object is Manifest => object.kind === "Deployment")!;
    deployment.spec.template.spec.containers[0].readinessProbes = deployment.spec.template.spec.containers[0].readinessProbe;
    const result = await kubeconform(JSON.stringify(deployment));
    expect(result.ok).toBe(false);
    expect(result.stdout).toContain("readinessProbes");
  });
});

function kubeconform(input: string) {
  if (!existsSync(path.join(K8S_SCHEMAS, "deployment-apps-v1.json"))) throw new Error(`no Kubernetes schemas in ${K8S_SCHEMAS}: run scripts/test.sh (scripts/lib.sh ensure_chart_tools)`);
  return run(
    "kubeconform",
    ["-strict", "-summary", "-schema-location", `${K8S_SCHEMAS}/{{.ResourceKind}}{{.KindSuffix}}.json`, "-schema-location", `${CRD_SCHEMAS}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, "-"],
    input,
  );
}
