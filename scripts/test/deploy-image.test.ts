import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, serviceTestEnv, TEST_IDENTITY_KEY, TEST_JWT_SECRET, testInfra, uniqueName } from "@crm/testing";
import { ROOT } from "./workspace-copy";

// deploy/docker/Dockerfile, checked without a Docker engine: what it says (multi-stage, a base
// pinned by digest, a numeric non-root user, NODE_ENV=production, node itself as the exec-form
// entry point with the telemetry preloaded), and what its image would hold, run for real: the
// build stage's `pnpm deploy --prod` of the gateway and of contacts, laid out as the runtime stage
// copies it, started with the entry point against the real infrastructure, ready, answering the
// chart's helm test (charts/crm/files/smoke-test.mjs), writing nothing outside TMPDIR, and
// stopping cleanly on SIGTERM.

const DOCKERFILE = path.join(ROOT, "deploy/docker/Dockerfile");
const execute = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
}
/** The Dockerfile's instructions, continuation lines joined, comments dropped, by stage. */
function stages(): Instruction[][] {
  const lines = readFileSync(DOCKERFILE, "utf8").replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  const result: Instruction[][] = [[]];
  for (const line of lines) {
    const [keyword = "", ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === "FROM") result.push([]);
    result.at(-1)!.push({ keyword: keyword.toUpperCase(), args: rest.join(" ") });
  }
  return result;
}
const [preamble, build, runtime] = stages() as [Instruction[], Instruction[], Instruction[]];
const argsOf = (stage: Instruction[], keyword: string) => stage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);

describe("deploy/docker/Dockerfile", () => {
  it("builds in one stage and runs from another, both on a Node 24 base pinned by digest", () => {
    expect(stages()).toHaveLength(3);
    expect(argsOf(build, "FROM")).toEqual(["${NODE_IMAGE} AS build"]);
    expect(argsOf(runtime, "FROM")).toEqual(["${NODE_IMAGE} AS runtime"]);
    expect(argsOf(preamble, "ARG")[0]).toMatch(/^NODE_IMAGE=[\w./-]+\/node:24[\w.-]*@sha256:[0-9a-f]{64}$/);
  });

  it("picks the service with one build argument and installs the pnpm of package.json", () => {
    expect(argsOf(build, "ARG")).toContain("SERVICE");
    const packageManager = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { packageManager: string }).packageManager;
    expect(argsOf(build, "ARG")).toContain(`PNPM_VERSION=${packageManager.replace("pnpm@", "")}`);
  });

  it("runs as a numeric non-root user, in production mode, node as PID 1 with the telemetry preloaded", () => {
    expect(argsOf(runtime, "USER")).toHaveLength(1);
    const [user, group] = argsOf(runtime, "USER")[0]!.split(":").map(Number);
    expect(user).toBeGreaterThan(0);
    expect(group).toBeGreaterThan(0);
    expect(argsOf(runtime, "ENV")).toContain("NODE_ENV=production");
    expect(argsOf(runtime, "CMD")).toEqual([]);
    expect(entrypoint()).toEqual(["node", "--require", "@crm/kit/telemetry", "dist/main.js"]);
  });

  it("writes nothing into the runtime image but the build's output: no RUN, no VOLUME but /tmp", () => {
    expect(argsOf(runtime, "RUN")).toEqual([]);
    expect(argsOf(runtime, "VOLUME").filter((volume) => !volume.includes("/tmp"))).toEqual([]);
    for (const copy of argsOf(runtime, "COPY")) expect(copy).toMatch(/^--from=build \/out\/\S+ \.\/\S+$/);
  });
});

/** ENTRYPOINT in exec form (a JSON array): no shell between the runtime and node. */
function entrypoint(): string[] {
  const [form] = argsOf(runtime, "ENTRYPOINT");
  return JSON.parse(form!) as string[];
}

describe("the image's contents, run", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "crm-image-"));
  const tmp = path.join(scratch, "tmp");
  const started: ChildProcess[] = [];
  const apps: Record<string, string> = {};

  /** The build stage's deploy command for one deployable, into a folder of the scratch space, then the runtime stage's copies. */
  async function bundle(service: string): Promise<string> {
    const run = argsOf(build, "RUN").find((command) => command.includes(" deploy "))!;
    const deploy = run.split("&&").map((part) => part.trim()).find((part) => part.includes(" deploy "))!;
    const out = path.join(scratch, `${service}-out`);
    const command = deploy.replaceAll("${SERVICE}", service).replace(/ \/out$/, ` ${out}`);
    await execute("bash", ["-c", command], { cwd: ROOT, timeout: 120_000 });
    const app = path.join(scratch, service);
    for (const copy of argsOf(runtime, "COPY")) {
      const [, from, to] = /^--from=build \/out\/(\S+) \.\/(\S+)$/.exec(copy)!;
      cpSync(path.join(out, from!), path.join(app, to!), { recursive: true, verbatimSymlinks: true });
    }
    rmSync(out, { recursive: true });
    return app;
  }

  /** Starts the bundle with the image's entry point and environment only (as a container would), until /readyz answers. */
  async function start(app: string, env: Record<string, string>, opsPort: number) {
    const [command, ...args] = entrypoint();
    expect(command).toBe("node");
    const child = spawn(process.execPath, args, {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: "production", TMPDIR: tmp, HOME: path.join(scratch, "no-home"), LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((response) => response.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${app} did not become ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return child;
  }

  /** Every file of a folder with its size and modification time. */
  const snapshot = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        const stat = statSync(file);
        return `${file} ${stat.size} ${stat.mtimeMs}`;
      })
      .sort();

  let before: Record<string, string[]>;
  let contacts: ChildProcess;
  let gateway: ChildProcess;
  const ports = { contactsGrpc: 0, contactsOps: 0, gatewayHttp: 0, gatewayOps: 0 };
  const database = uniqueName("image_contacts");

  beforeAll(async () => {
    for (const built of ["packages/kit/dist", "services/contacts/dist", "gateway/dist"]) {
      if (!existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run pnpm build first (scripts/test.sh does)`);
    }
    apps.contacts = await bundle("contacts");
    apps.gateway = await bundle("gateway");
    cpSync(DOCKERFILE, path.join(scratch, "Dockerfile"));
    before = { contacts: snapshot(apps.contacts), gateway: snapshot(apps.gateway) };
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
  }, 240_000);

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(scratch, { recursive: true, force: true });
  });

  it("holds production dependencies only, and the workspace packages' built code without their sources", () => {
    const modules = readdirSync(path.join(apps.contacts!, "node_modules/.pnpm"));
    for (const devOnly of ["jest@", "typescript@", "@swc+core@", "eslint@", "@crm+testing@"]) expect(modules.filter((name) => name.startsWith(devOnly))).toEqual([]);
    const kit = readdirSync(path.join(apps.contacts!, "node_modules/@crm/kit"));
    expect(kit).toContain("dist");
    expect(kit).not.toContain("src");
    expect(readdirSync(apps.contacts!).sort()).toEqual(["dist", "node_modules", "package.json"]);
  });

  it("starts with the entry point and answers /readyz", async () => {
    contacts = await start(apps.contacts!, { ...serviceTestEnv(database), SERVICE_NAME: "contacts", GRPC_PORT: String(ports.contactsGrpc), OPS_PORT: String(ports.contactsOps) }, ports.contactsOps);
    gateway = await start(
      apps.gateway!,
      {
        SERVICE_NAME: "gateway",
        PORT: String(ports.gatewayHttp),
        OPS_PORT: String(ports.gatewayOps),
        CONTACTS_ADDRESS: `127.0.0.1:${ports.contactsGrpc}`,
        NATS_URL: testInfra().natsUrl,
        // The gateway's own state (idempotency, rate limits, API keys, webhooks), as the chart gives it.
        MONGODB_URL: testInfra().mongodbUrl,
        REDIS_URL: testInfra().redisUrl,
        MONGODB_DATABASE: `${database}_gateway`,
        REDIS_KEY_PREFIX: `${database}_gateway:`,
        CONSUMER_GROUP: `${database}_gateway`,
        IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
      },
      ports.gatewayOps,
    );
    // What the chart's probes ask the service: gRPC health as a whole (readiness) and "liveness".
    for (const service of ["", "liveness"]) {
      const { stdout, stderr } = await execute("grpc-health-probe", [`-addr=127.0.0.1:${ports.contactsGrpc}`, `-service=${service}`], { timeout: 20_000 });
      expect(stdout + stderr).toContain("status: SERVING");
    }
  }, 90_000);

  it("passes the chart's helm test: ready, and an API call through the gateway to contacts", async () => {
    const { stdout } = await execute(process.execPath, [path.join(ROOT, "charts/crm/files/smoke-test.mjs")], {
      cwd: apps.gateway!,
      env: { PATH: process.env.PATH, GATEWAY_URL: `http://127.0.0.1:${ports.gatewayHttp}`, GATEWAY_OPS_URL: `http://127.0.0.1:${ports.gatewayOps}`, AUTH_JWT_SECRET: TEST_JWT_SECRET },
      timeout: 90_000,
    });
    expect(stdout).toContain("gateway ready");
    expect(stdout).toContain("GET /v1/contacts answered a page");
  }, 100_000);

  it("stops cleanly on SIGTERM and wrote nothing into its own files", async () => {
    expect(gateway && contacts).toBeTruthy();
    for (const child of [gateway, contacts]) {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
    expect(snapshot(apps.contacts!)).toEqual(before.contacts);
    expect(snapshot(apps.gateway!)).toEqual(before.gateway);
  }, 60_000);
});
