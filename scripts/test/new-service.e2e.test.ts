import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { createLogger, EventBus, IDENTITY_METADATA_KEY, identityKey, RedisIdempotencyStore, connectRedis, signIdentity, type ReceivedEvent } from "@crm/kit";
import { signTestToken, TEST_IDENTITY_KEY, testInfra, testTenant, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";
import { KUBE_VERSION } from "./chart/helm";
import { copyWorkspace, ROOT } from "./workspace-copy";

// `pnpm new-service` as a product team uses it, end to end, in a copy of this workspace (without
// node_modules, .data and .git; dependencies linked from pnpm's store): it makes a service that
// builds, lints and type-checks, passes its own tests, runs beside the gateway, answers over gRPC
// (grpcurl, from reflection alone) and through its REST route, and whose event a consumer receives.

// A name no real service will take, so that the test keeps working as services are added.
const SERVICE = "example-widgets";
const STREAM = "CRM_EXAMPLE_WIDGETS";
const CREATED = "crm.example-widgets.widget.created";
const GRPC_SERVICE = "crm.example_widgets.v1.ExampleWidgetsService";
const execute = promisify(execFile);
let workspace: Awaited<ReturnType<typeof copyWorkspace>>;
let platform: RunningPlatform | undefined;
let bus: EventBus | undefined;
let redis: ReturnType<typeof connectRedis> | undefined;
const received: ReceivedEvent[] = [];
const durable = uniqueName("generator_test");
const owner = testTenant("generated");

/** The copy's own @crm packages (built there), e.g. its generated proto code or its test harness. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- code that exists only in the copy
const fromCopy = <T>(relative: string): T => require(path.join(workspace.dir, relative)) as T;
const run = (command: string, args: string[]) => workspace.run(command, args);

beforeAll(async () => {
  for (const built of ["packages/kit", "packages/testing", "packages/registry", "services/contacts", "gateway"]) {
    if (!existsSync(path.join(ROOT, built, "dist"))) throw new Error(`${built} is not built: run pnpm build first (scripts/test.sh does)`);
  }
  workspace = await copyWorkspace("crm-new-service-");
}, 120_000);

afterAll(async () => {
  await bus?.jsm.consumers.delete(STREAM, durable).catch(() => undefined);
  await bus?.close();
  redis?.disconnect();
  await platform?.stop();
  workspace?.remove();
}, 60_000);

/** The registry of the copy. */
const registry = () =>
  JSON.parse(readFileSync(path.join(workspace.dir, "packages/registry/services.json"), "utf8")) as {
    gateway: { opsPort: number };
    services: Array<{ name: string; grpcPort: number; opsPort: number }>;
  };

describe(`pnpm new-service ${SERVICE}`, () => {
  it("generates the service and registers it on the next free ports", async () => {
    const before = registry();
    const grpcPort = Math.max(...before.services.map((entry) => entry.grpcPort)) + 1;
    const opsPort = Math.max(before.gateway.opsPort, ...before.services.map((entry) => entry.opsPort)) + 1;
    const output = await run("pnpm", ["new-service", SERVICE]);
    expect(output).toContain(`${SERVICE} is ready`);
    expect(registry().services.find((entry) => entry.name === SERVICE)).toEqual({
      name: SERVICE, grpcPort, opsPort, addressEnv: "EXAMPLE_WIDGETS_ADDRESS", gatewayModule: `modules/${SERVICE}`,
    });
    expect(readFileSync(path.join(workspace.dir, "README.md"), "utf8")).toContain(`| ${SERVICE} | ${grpcPort} (gRPC), ${opsPort} (ops) |`);
    // The Helm chart deploys it, on its registered ports.
    const chartValues = parse(readFileSync(path.join(workspace.dir, "charts/crm/values.yaml"), "utf8")) as { services: Record<string, unknown> };
    expect(chartValues.services[SERVICE]).toEqual({ ports: { grpc: grpcPort, ops: opsPort }, addressEnv: "EXAMPLE_WIDGETS_ADDRESS", calls: [], env: {} });
    await run("node", ["scripts/chart/sync-services.mjs", "--check"]);
    const rendered = await run(path.join(ROOT, ".tools/bin/helm"), ["template", "crm", "charts/crm", "--kube-version", KUBE_VERSION]);
    expect(rendered).toContain(`image: ghcr.io/example/crm-${SERVICE}:`);
    expect(rendered).toContain(`grpc: {port: ${grpcPort}, service: liveness}`);
    await expect(run("pnpm", ["new-service", SERVICE])).rejects.toThrow(`service "${SERVICE}" already exists`);
  }, 180_000);

  it("builds, type-checks and lints it with the gateway", async () => {
    const packages = ["--filter", "@crm/proto", "--filter", `@crm/${SERVICE}`, "--filter", "@crm/gateway"];
    await run("pnpm", [...packages, "run", "build"]);
    await run("pnpm", [...packages.slice(2), "run", "typecheck"]);
    await run("pnpm", [...packages.slice(2), "run", "lint"]);
  }, 300_000);

  it("passes its own unit and integration tests", async () => {
    const report = path.join(workspace.dir, "generated-tests.json");
    await run("pnpm", ["exec", "jest", "--ci", "--json", `--outputFile=${report}`, `services/${SERVICE}`]);
    const result = JSON.parse(readFileSync(report, "utf8")) as { success: boolean; numPassedTests: number; numFailedTests: number; numTotalTestSuites: number };
    expect(result).toMatchObject({ success: true, numFailedTests: 0, numTotalTestSuites: 2 });
    expect(result.numPassedTests).toBeGreaterThan(0);
  }, 180_000);

  describe("running beside the gateway", () => {
    let identityToken: string;
    let bearer: string;
    let address: string;

    beforeAll(async () => {
      platform = await fromCopy<typeof import("@crm/testing")>("packages/testing/dist").startPlatform();
      address = platform.addresses[SERVICE]!;
      identityToken = await signIdentity(owner, identityKey(TEST_IDENTITY_KEY));
      bearer = await signTestToken({ tenant: owner.tenantId, subject: owner.subject });
      // A durable consumer of its created events, as another service would run one.
      bus = await EventBus.connect(testInfra().natsUrl, "generator-test", createLogger("generator-test", "silent"));
      redis = connectRedis(testInfra().redisUrl, durable);
      await bus.consume({ stream: STREAM, durable, filterSubjects: [CREATED], startAt: "new", idempotency: new RedisIdempotencyStore(redis), handler: async (event) => void received.push(event) });
    }, 120_000);

    const grpcurl = async (...args: string[]) => (await execute("grpcurl", ["-plaintext", ...args], { timeout: 20_000 })).stdout;
    const createdIds = () => {
      const { eventsV1 } = fromCopy<{ eventsV1: Record<string, { decode(payload: Uint8Array): { widgetId: string } }> }>("packages/proto/dist");
      return received.map((event) => eventsV1.WidgetCreated!.decode(event.payload).widgetId);
    };
    let viaGrpc: { id: string };
    let viaRest: { id: string };

    it("answers over gRPC, described by reflection", async () => {
      expect(await grpcurl(address, "list")).toContain(GRPC_SERVICE);
      const created = JSON.parse(await grpcurl("-H", `${IDENTITY_METADATA_KEY}: ${identityToken}`, "-d", '{"widget":{"name":" Renewals "}}', address, `${GRPC_SERVICE}/CreateWidget`));
      viaGrpc = created.widget;
      expect(viaGrpc).toMatchObject({ name: "Renewals", createdBy: owner.subject, etag: 'W/"1"' });
      const read = JSON.parse(await grpcurl("-H", `${IDENTITY_METADATA_KEY}: ${identityToken}`, "-d", JSON.stringify({ id: viaGrpc.id }), address, `${GRPC_SERVICE}/GetWidget`));
      expect(read.widget).toEqual(viaGrpc);
    }, 60_000);

    it("answers through its REST route, described in the OpenAPI document", async () => {
      const api = platform!.gatewayUrl;
      const headers = { authorization: `Bearer ${bearer}`, "content-type": "application/json" };
      const response = await fetch(`${api}/v1/widgets`, { method: "POST", headers, body: JSON.stringify({ name: "New business" }) });
      expect(response.status).toBe(201);
      viaRest = (await response.json()) as { id: string };
      expect(response.headers.get("location")).toBe(`/v1/widgets/${viaRest.id}`);
      expect(await (await fetch(`${api}/v1/widgets/${viaRest.id}`, { headers })).json()).toEqual(viaRest);
      const listed = (await (await fetch(`${api}/v1/widgets?orderBy=name`, { headers })).json()) as { data: Array<{ name: string }> };
      expect(listed.data.map((item) => item.name)).toEqual(["New business", "Renewals"]);
      const invalid = await fetch(`${api}/v1/widgets`, { method: "POST", headers, body: JSON.stringify({ name: "x", owner: "me" }) });
      expect(invalid.status).toBe(400);
      const openapi = (await (await fetch(`${api}/openapi.json`)).json()) as { paths: Record<string, object> };
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/v1/widgets", "/v1/widgets/{id}", "/v1/contacts"]));
    }, 60_000);

    it("delivers its created events to a consumer", async () => {
      const ids = await waitFor(async () => {
        const seen = createdIds();
        return seen.includes(viaGrpc.id) && seen.includes(viaRest.id) ? seen : undefined;
      });
      expect(ids).toEqual(expect.arrayContaining([viaGrpc.id, viaRest.id]));
      expect(received.find((event) => event.subject === CREATED)?.tenantId).toBe(owner.tenantId);
    }, 30_000);
  });
});
