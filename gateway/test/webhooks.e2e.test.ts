import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signTestToken, startPlatform, uniqueName, type RunningPlatform } from "@crm/testing";

// Webhooks for API consumers, end to end: a receiver on this machine (loopback is allowed to this
// gateway by WEBHOOK_ALLOWED_NETWORKS), events from the contacts service, the gateway delivering.
let platform: RunningPlatform;
let token: string;
let receiver: Server;
let receiverUrl: string;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
/** Status to answer per path, in order; 204 once a path's list is used up. */
const plans = new Map<string, number[]>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      res.statusCode = plans.get(req.url ?? "")?.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  platform = await startPlatform({
    services: ["contacts"],
    gatewayEnv: { WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32", WEBHOOK_RETRY_BASE_MS: "200", WEBHOOK_MAX_ATTEMPTS: "4", WEBHOOK_DISABLE_AFTER_FAILURES: "3" },
  });
  token = await signTestToken({ tenant: uniqueName("webhooks") });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  receiver?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in assertions
type Body = Record<string, any>;
const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Body }> => {
  const response = await fetch(`${platform.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as Body };
};
const subscribe = async (path: string, fields: Body = {}) => {
  const created = await call("POST", "/v1/webhooks", { url: `${receiverUrl}${path}`, eventTypes: ["contacts.contact.created"], ...fields });
  expect(created.status).toBe(201);
  return created.json;
};
/** Waits until the condition holds; fails the test when it does not in time. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
  }
}
const at = (path: string) => received.filter((r) => r.path === path);

/** Verifies a delivery as a receiver would, by the Standard Webhooks rules (not with the gateway's code). */
function verified(delivery: Received, secret: string): boolean {
  const id = delivery.headers["webhook-id"] as string;
  const timestamp = delivery.headers["webhook-timestamp"] as string;
  const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64")).update(`${id}.${timestamp}.${delivery.body}`).digest();
  const given = (delivery.headers["webhook-signature"] as string).split(" ").map((s) => Buffer.from(s.replace(/^v1,/, ""), "base64"));
  return Math.abs(Date.now() / 1000 - Number(timestamp)) < 300 && given.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
}

describe("webhooks", () => {
  it("refuses targets on private, loopback-not-allowed and link-local networks", async () => {
    for (const url of ["http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://192.168.0.10/"]) {
      const refused = await call("POST", "/v1/webhooks", { url, eventTypes: ["contacts.*"] });
      expect(refused.status).toBe(400);
      expect(refused.json.errors).toEqual([{ field: "url", message: expect.stringMatching(/private, loopback or link-local/) }]);
    }
    expect((await call("POST", "/v1/webhooks", { url: "ftp://example.com/x", eventTypes: ["*"] })).status).toBe(400);
  });

  it("delivers matching events signed with the subscription's secret, only those its filter takes", async () => {
    const subscription = await subscribe("/signed", { filter: "relationshipType[eq]:customer" });
    expect(subscription.secret).toMatch(/^whsec_/);
    expect((await call("GET", `/v1/webhooks/${subscription.id}`)).json.secret).toBeUndefined();
    await call("POST", "/v1/contacts", { givenName: "Pro", familyName: "Spect", type: "prospect" });
    const customer = (await call("POST", "/v1/contacts", { givenName: "Cus", familyName: "Tomer", type: "customer" })).json;

    await until(() => at("/signed").length >= 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(at("/signed")).toHaveLength(1);
    const [delivery] = at("/signed");
    expect(verified(delivery!, subscription.secret)).toBe(true);
    expect(verified({ ...delivery!, body: delivery!.body.replace("Cus", "Cut") }, subscription.secret)).toBe(false);
    const payload = JSON.parse(delivery!.body);
    expect(payload).toMatchObject({ type: "contacts.contact.created", data: { contactId: customer.id, relationshipType: "customer" } });
    expect(delivery!.headers["webhook-id"]).toBe(`msg_${payload.id}`);
  });

  it("retries a failing receiver with backoff, logs each attempt, and replays on demand", async () => {
    plans.set("/flaky", [500, 503]);
    const subscription = await subscribe("/flaky");
    await call("POST", "/v1/contacts", { givenName: "Re", familyName: "Tried" });
    await until(() => at("/flaky").length >= 3, 15_000);
    const ids = new Set(at("/flaky").map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);

    let log = await call("GET", `/v1/webhooks/${subscription.id}/deliveries`);
    await until(async () => (log = await call("GET", `/v1/webhooks/${subscription.id}/deliveries`)).json.data[0]?.status === "succeeded", 5_000);
    const [delivery] = log.json.data;
    expect(delivery.attempts.map((a: Body) => a.status)).toEqual([500, 503, 204]);
    expect(delivery.attemptCount).toBe(3);

    const replayed = await call("POST", `/v1/webhooks/${subscription.id}/deliveries/${delivery.id}/replay`);
    expect(replayed.status).toBe(202);
    await until(() => at("/flaky").length >= 4, 10_000);
    expect(at("/flaky")[3]!.headers["webhook-id"]).toBe(at("/flaky")[0]!.headers["webhook-id"]);
    expect((await call("GET", `/v1/webhooks/${subscription.id}/deliveries?filter=${encodeURIComponent("status[eq]:succeeded")}`)).json.data).toHaveLength(1);
  }, 30_000);

  it("disables an endpoint that keeps failing, until it is enabled again", async () => {
    plans.set("/broken", Array(20).fill(500));
    const subscription = await subscribe("/broken");
    await call("POST", "/v1/contacts", { givenName: "Never", familyName: "Received" });
    let current: Body = subscription;
    await until(async () => !(current = (await call("GET", `/v1/webhooks/${subscription.id}`)).json).enabled, 15_000);
    expect(current.disabledReason).toMatch(/3 failed attempts in a row/);
    const enabled = await call("PATCH", `/v1/webhooks/${subscription.id}`, { enabled: true });
    expect(enabled.json).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: "" });
  }, 30_000);
});
