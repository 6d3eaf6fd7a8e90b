import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { signTestToken, startPlatform, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";
import { signProviderWebhook } from "../src/routes/campaign-provider-webhook";

// Contacts, consent and marketing-campaign with the gateway as real processes, over HTTP: a
// segment previewed, a campaign sent as a job, its metrics, the contact's messages and 360, and
// the provider's signed webhook.
const SECRET = "provider-webhook-secret-0123456789abcdef";
let platform: RunningPlatform;
let token: string;
let tenant: string;

beforeAll(async () => {
  const outbox = await mkdtemp(path.join(tmpdir(), "gateway-campaigns-"));
  platform = await startPlatform({
    services: ["contacts", "consent", "marketing-campaign"],
    gatewayEnv: { PROVIDER_WEBHOOK_SECRET: SECRET },
    serviceEnv: { "marketing-campaign": { CAMPAIGN_OUTBOX_DIR: outbox, CAMPAIGN_POLL_MS: "200" } },
  });
  tenant = uniqueName("campaigns_e2e");
  token = await signTestToken({ tenant });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

async function request(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const body = init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
  const response = await fetch(`${platform.gatewayUrl}${url}`, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

/** A provider's call: signed over the timestamp and the exact body, without the API's credentials. */
async function providerCall(events: object[], { secret = SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const raw = JSON.stringify({ events });
  const response = await fetch(`${platform.gatewayUrl}/v1/campaign-provider/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-crm-timestamp": String(timestamp), "x-crm-signature": signProviderWebhook(secret, String(timestamp), raw) },
    body: raw,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked below
  return { status: response.status, body: (await response.json()) as any };
}

describe("campaigns over HTTP", () => {
  let ada: string;
  let campaignId: string;

  it("previews a segment, sends a campaign as a job and reports its metrics and the contact's messages", async () => {
    const person = async (givenName: string, email: string) =>
      (await request("/v1/contacts?allowDuplicates=true", { body: { givenName, familyName: "Example", email, tags: ["spring"] } })).body.id as string;
    ada = await person("Ada", "ada@example.com");
    const grace = await person("Grace", "grace@example.com");
    const purpose = (await request("/v1/purposes", { body: { name: "Newsletter", lawfulBasis: "consent", noticeText: "News, monthly." } })).body.id as string;
    expect((await request("/v1/consents", { body: { subjectId: ada, purposeId: purpose, channel: "email", action: "grant", source: "form" } })).status).toBe(201);

    const created = await request("/v1/segments", { body: { name: "Spring", filter: "tags[eq]:spring", behaviour: [] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "dynamic", filter: 'tags[eq]:"spring"' });
    const preview = await request(`/v1/segments/${created.body.id}/preview?sampleSize=5`);
    expect(preview.body).toMatchObject({ size: 2 });
    expect(preview.body.sample.map((m: { contactId: string }) => m.contactId).sort()).toEqual([ada, grace].sort());
    expect((await request("/v1/segments/preview", { body: { name: "x", filter: "tags[eq]:nobody" } })).body.size).toBe(0);
    expect((await request("/v1/segments", { body: { name: "Bad", filter: "tags[zz]:x" } })).status).toBe(400);

    const campaign = await request("/v1/campaigns", {
      body: { name: "Spring news", purposeId: purpose, channel: "email", segmentId: created.body.id, variants: [{ key: "a", weight: 100, subject: "Hi {{givenName}}", body: "Hello {{givenName|there}}" }] },
    });
    expect(campaign.status).toBe(201);
    campaignId = campaign.body.id;
    const sent = await request(`/v1/campaigns/${campaignId}/send`, { method: "POST" });
    expect(sent.status).toBe(202);
    expect(sent.headers.get("location")).toBe(`/v1/campaigns/${campaignId}`);
    const done = await waitFor(async () => {
      const { body } = await request(`/v1/campaigns/${campaignId}`);
      return body.status === "sent" ? body : undefined;
    }, 30_000);
    expect(done).toMatchObject({ audience: 2, sent: 1, excluded: expect.objectContaining({ no_consent: 1, suppressed: 0 }) });
    expect((await request(`/v1/campaigns/${campaignId}/send`, { method: "POST" })).status).toBe(412);

    const messages = await request(`/v1/contacts/${ada}/messages`);
    expect(messages.body.data).toEqual([expect.objectContaining({ campaignId, campaignName: "Spring news", channel: "email", variant: "a", responses: [] })]);
    const customer = await request(`/v1/customers/${ada}/360`);
    expect(customer.body.sections.campaigns).toMatchObject({ status: "ok", data: { messages: [{ campaignId }], hasMore: false } });
  }, 60_000);

  it("takes the provider's signed reports once each, and refuses unsigned, wrongly signed or old ones", async () => {
    const { body: messages } = await request(`/v1/contacts/${ada}/messages`);
    const messageId = messages.data[0].messageId as string;
    const opened = { id: "evt-1", tenantId: tenant, messageId, type: "opened", occurredAt: new Date().toISOString() };
    const clicked = { id: "evt-2", tenantId: tenant, messageId, type: "clicked", url: "https://example.com/spring", occurredAt: new Date().toISOString() };
    const first = await providerCall([opened, clicked]);
    expect(first).toEqual({ status: 200, body: { results: [{ id: "evt-1", outcome: "recorded" }, { id: "evt-2", outcome: "recorded" }] } });
    expect((await providerCall([opened])).body.results).toEqual([{ id: "evt-1", outcome: "duplicate" }]);

    expect((await providerCall([opened], { secret: "another-secret-0123456789abcdefghijkl" })).status).toBe(401);
    expect((await providerCall([opened], { timestamp: Math.floor(Date.now() / 1000) - 3_600 })).status).toBe(401);
    const unsigned = await fetch(`${platform.gatewayUrl}/v1/campaign-provider/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: [opened] }) });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("content-type")).toContain("application/problem+json");

    const metrics = await request(`/v1/campaigns/${campaignId}/metrics`);
    expect(metrics.body.total).toMatchObject({ sent: 1, opened: 1, clicked: 1, openRate: 1, clickRate: 1 });
    const history = await request(`/v1/contacts/${ada}/messages`);
    expect(history.body.data[0].responses.map((r: { response: string }) => r.response).sort()).toEqual(["clicked", "opened"]);
  }, 30_000);

  it("describes its routes, the webhook without credentials", async () => {
    const { body } = await request("/openapi.json");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/segments", "/v1/segments/{id}", "/v1/segments/{id}/preview", "/v1/segments/preview", "/v1/campaigns", "/v1/campaigns/{id}", "/v1/campaigns/{id}/send",
        "/v1/campaigns/{id}/pause", "/v1/campaigns/{id}/resume", "/v1/campaigns/{id}/cancel", "/v1/campaigns/{id}/metrics", "/v1/contacts/{id}/messages", "/v1/campaign-provider/events",
      ]),
    );
    expect(body.paths["/v1/campaign-provider/events"].post.security).toEqual([]);
    expect(body.paths["/v1/campaigns/{id}/send"].post.responses["202"]).toBeDefined();
  });
});
