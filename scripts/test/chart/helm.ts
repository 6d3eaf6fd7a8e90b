import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { ROOT } from "../workspace-copy";

// helm, kubeconform and the schemas, as scripts/test.sh installs them (scripts/lib.sh
// ensure_chart_tools); the chart's test profiles; rendered objects as plain data.

export const CHART = path.join(ROOT, "charts/crm");
const TOOLS = path.join(ROOT, ".tools");
/** The Kubernetes version renders are made for: the one the API schemas come from. */
const libVersion = (name: string) => new RegExp(`^${name}="v([^"]+)"`, "m").exec(readFileSync(path.join(ROOT, "scripts/lib.sh"), "utf8"))?.[1];
export const KUBE_VERSION = libVersion("K8S_SCHEMA_VERSION")!;
export const K8S_SCHEMAS = process.env.K8S_SCHEMAS ?? path.join(TOOLS, `k8s-schemas/kubernetes-v${KUBE_VERSION}`);
export const CRD_SCHEMAS = process.env.CRD_SCHEMAS ?? path.join(TOOLS, `k8s-schemas/prometheus-operator-v${libVersion("PROMETHEUS_OPERATOR_VERSION")}`);

/** The profiles: the default values, then each file of charts/crm/ci. */
export const PROFILES: Record<string, string[]> = {
  default: [],
  external: ["ci/external-values.yaml"],
  "autoscaling-off": ["ci/autoscaling-off-values.yaml"],
  minimal: ["ci/minimal-values.yaml"],
};

const execute = promisify(execFile);
const tool = (name: string) => path.join(TOOLS, "bin", name);

export interface Result {
  ok: boolean;
  stdout: string;
  /** stderr without helm's notice that dashboards/ is a link (to deploy/grafana/dashboards). */
  stderr: string;
}

export async function run(name: "helm" | "kubeconform", args: string[], input?: string): Promise<Result> {
  const child = execute(tool(name), args, { cwd: CHART, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  const clean = (stderr = "") => stderr.split("\n").filter((line) => !line.includes("found symbolic link in path")).join("\n").trim();
  try {
    const { stdout, stderr } = await child;
    return { ok: true, stdout, stderr: clean(stderr) };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout, stderr: clean(stderr) };
  }
}

/** `helm template` of the chart as release "crm" in namespace "crm", with value files and --set pairs. */
export async function template(valueFiles: string[] = [], set: string[] = []): Promise<Result> {
  return run("helm", ["template", "crm", ".", "--namespace", "crm", "--kube-version", KUBE_VERSION, ...valueFiles.flatMap((file) => ["-f", file]), ...set.flatMap((pair) => ["--set", pair])]);
}

/** A rendered Kubernetes object, loosely typed: tests read what they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are checked field by field
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };

export function manifests(rendered: string): Manifest[] {
  return parseAllDocuments(rendered)
    .map((document) => document.toJS() as Manifest | null)
    .filter((object): object is Manifest => object !== null);
}

/** The services of the one registry. */
export function registeredServices(): Array<{ name: string; grpcPort: number; opsPort: number; addressEnv: string }> {
  return (JSON.parse(readFileSync(path.join(ROOT, "packages/registry/services.json"), "utf8")) as { services: Array<{ name: string; grpcPort: number; opsPort: number; addressEnv: string }> }).services;
}
