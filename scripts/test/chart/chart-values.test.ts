import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../workspace-copy";
import { manifests, registeredServices, template } from "./helm";

// values.schema.json and the chart's own checks turn mistakes into errors before anything is
// applied: wrong types, unknown keys, unknown services, inline secrets, impossible settings.
// The chart agrees with the service registry, and its README documents every value.

const rejected = async (set: string[], message: RegExp) => {
  const result = await template([], set);
  expect(result.ok).toBe(false);
  expect(result.stderr).toMatch(message);
};

describe("values the chart refuses", () => {
  it("a wrong type", () => rejected(["defaults.replicas=two"], /\/defaults\/replicas.*got string, want integer/));
  it("an unknown top-level key", () => rejected(["replicaCount=3"], /additional properties 'replicaCount' not allowed/));
  it("a misspelt key of a service", () => rejected(["services.contacts.replica=3"], /\/services\/contacts\/replica/));
  it("a service that is not registered", () => rejected(["services.contcts.replicas=3"], /\/services.*additional properties 'contcts' not allowed/));
  it("a secret given inline instead of by reference", () => rejected(["secrets.identitySigningKey=s3cret-value"], /\/secrets\/identitySigningKey.*got string, want object/));
  it("an environment variable with an invalid name", () => rejected(["env.BAD-NAME=1"], /'BAD-NAME' does not match pattern/));
  it("external MongoDB without the Secret of the services' URLs", () => rejected(["mongodb.mode=external"], /\/mongodb\/external\/existingSecret.*minLength/));
  it("external NATS with neither a URL nor a Secret", () => rejected(["nats.mode=external"], /\/nats\/external/));
  it("a pull policy Kubernetes does not know", () => rejected(["image.pullPolicy=Sometimes"], /\/image\/pullPolicy/));
  it("a grace period the drain does not fit in", () => rejected(["defaults.shutdown.terminationGracePeriodSeconds=12"], /terminationGracePeriodSeconds \(12\) must exceed preStopSleepSeconds \+ drainSeconds \(15\)/));
  it("a call to a service the chart does not have", () => rejected(["services.consent.calls={billing}"], /services\.consent\.calls names "billing"/));
});

describe("values the chart takes", () => {
  it("overrides one variable of one service alone, a reference included", async () => {
    const result = await template([], ["services.consent.env.LOG_LEVEL=debug", "services.consent.env.MONGODB_URL.secretKeyRef.name=consent-db", "services.consent.env.MONGODB_URL.secretKeyRef.key=url"]);
    expect(result.stderr).toBe("");
    const objects = manifests(result.stdout);
    const config = (name: string) => objects.find((object) => object.kind === "ConfigMap" && object.metadata.name === `crm-${name}`)!.data!;
    expect(config("consent")).toMatchObject({ LOG_LEVEL: "debug", MONGODB_DATABASE: "crm_consent", NATS_URL: "nats://crm-nats:4222" });
    expect(config("consent").MONGODB_URL).toBeUndefined();
    expect(config("contacts")).toMatchObject({ LOG_LEVEL: "info", MONGODB_URL: "mongodb://crm-mongodb:27017" });
    const consent = objects.find((object) => object.kind === "Deployment" && object.metadata.name === "crm-consent")!;
    expect(consent.spec.template.spec.containers[0].env).toContainEqual({ name: "MONGODB_URL", valueFrom: { secretKeyRef: { name: "consent-db", key: "url" } } });
  });

  it("keeps large numbers whole in the environment", async () => {
    const result = await template([], ["services.contacts.env.IMPORT_LEASE_MS=1000000"]);
    const config = manifests(result.stdout).find((object) => object.kind === "ConfigMap" && object.metadata.name === "crm-contacts")!.data!;
    expect(config.IMPORT_LEASE_MS).toBe("1000000");
  });
});

describe("the chart and the service registry", () => {
  const script = (name: string) => promisify(execFile)(process.execPath, [path.join(ROOT, "scripts/chart", name), "--check"], { cwd: ROOT });

  it("list the same services on the same ports (scripts/chart/sync-services.mjs --check)", async () => {
    await expect(script("sync-services.mjs")).resolves.toMatchObject({ stdout: expect.stringContaining("match the registry") });
    expect(registeredServices().length).toBeGreaterThan(0);
  });

  it("has a README that documents every value (scripts/chart/values-doc.mjs --check)", async () => {
    await expect(script("values-doc.mjs")).resolves.toMatchObject({ stdout: expect.stringContaining("documents every value") });
  });
});
