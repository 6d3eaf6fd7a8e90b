import { createHash } from "node:crypto";
import { loadRegistry } from "@crm/registry";
import { signTestToken, startPlatform, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";

// Every registered service and the gateway as real processes, over HTTP, on the real
// infrastructure: consents with their proof and ledger, checks, and subject requests that
// every service answers, one of them stopped when the request started.
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform();
  token = await signTestToken({ tenant: uniqueName("consent_e2e") });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const services = loadRegistry().services.map((service) => service.name).sort();

async function request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${platform.gatewayUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
  return { status: response.status, headers: response.headers, text, body: (text ? JSON.parse(text) : undefined) as any };
}
const contact = async (email: string) => (await request("/v1/contacts?allowDuplicates=true", { body: { givenName: "Eve", familyName: "Example", email } })).body.id as string;
const completed = (id: string) =>
  waitFor(async () => {
    const { body } = await request(`/v1/subject-requests/${id}`);
    return body.status === "completed" ? body : undefined;
  }, 60_000);

describe("consent over HTTP", () => {
  let purposeId: string;

  it("defines a purpose, records a grant and a withdrawal with their proof, and keeps the ledger verifiable", async () => {
    const created = await request("/v1/purposes", { body: { name: "Marketing e-mail", lawfulBasis: "consent", noticeText: "Offers, monthly.", consentValidityDays: 365 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "marketing-e-mail", lawfulBasis: "consent", optMode: "opt_in", notices: [{ version: 1 }] });
    purposeId = created.body.id;
    const subjectId = await contact("grant@example.com");

    const grant = { subjectId, purposeId, channel: "email", action: "grant", source: "form", ipAddress: "203.0.113.7", userAgent: "Mozilla/5.0" };
    const granted = await request("/v1/consents", { body: grant, headers: { "idempotency-key": "form-submit-1" } });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ seq: 1, action: "grant", ipAddress: "203.0.113.7", noticeVersion: 1, expiresAt: expect.any(String) });
    expect((await request("/v1/consents", { body: grant, headers: { "idempotency-key": "form-submit-1" } })).body.id).toBe(granted.body.id);
    const withdrawn = await request("/v1/consents", { body: { ...grant, action: "withdraw", source: "unsubscribe_link" } });
    expect(withdrawn.body).toMatchObject({ seq: 2, prevHash: granted.body.hash });

    const history = await request(`/v1/consents/history?filter=${encodeURIComponent(`subjectId[eq]:${subjectId}`)}`);
    expect(history.body.data.map((e: { action: string }) => e.action)).toEqual(["withdraw", "grant"]);
    const current = await request(`/v1/consents?filter=${encodeURIComponent(`subjectId[eq]:${subjectId}`)}`);
    expect(current.body.data).toEqual([expect.objectContaining({ purposeId, channel: "email", status: "withdrawn", source: "unsubscribe_link" })]);
    expect((await request("/v1/consents/ledger/verification")).body).toMatchObject({ intact: true, entriesChecked: 2, firstBreak: null });

    const invalid = await request("/v1/consents", { body: { ...grant, channel: "pigeon" } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(["channel"]);
  });

  it("describes its routes in the OpenAPI document", async () => {
    const { body } = await request("/openapi.json");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/purposes", "/v1/purposes/{id}", "/v1/purposes/{id}/notices", "/v1/consents", "/v1/consents/batch", "/v1/consents/history",
        "/v1/consents/ledger/verification", "/v1/consent-checks", "/v1/suppressions", "/v1/suppressions/{id}", "/v1/subject-requests",
        "/v1/subject-requests/{id}", "/v1/subject-requests/{id}/receipt", "/v1/subject-requests/{id}/export", "/v1/subject-requests/receipts/verify",
      ]),
    );
    expect(body.paths["/v1/subject-requests"].post["x-permission"]).toBe("consent:admin");
    expect(body.paths["/v1/consent-checks"].post.requestBody.content["application/json"].schema.properties.subjects.maxItems).toBe(10_000);
  });

  it("checks subjects before contacting them, a suppressed address winning over a grant", async () => {
    const [alice, bob] = [await contact("alice@example.com"), await contact("bob@example.com")];
    await request("/v1/consents/batch", { body: { consents: [alice, bob].map((subjectId) => ({ subjectId, purposeId, channel: "any", action: "grant", source: "import" })) } });
    const suppressed = await request("/v1/suppressions", { body: { type: "email", address: "Bob@Example.com", reason: "complaint" } });
    expect(suppressed.status).toBe(201);
    const checked = await request("/v1/consent-checks", {
      body: { purposeId, channel: "email", subjects: [{ subjectId: alice, address: "alice@example.com" }, { subjectId: bob, address: "bob@example.com" }] },
    });
    expect(checked.body.results).toEqual([
      { subjectId: alice, allowed: true, reason: "granted" },
      { subjectId: bob, allowed: false, reason: "suppressed" },
    ]);
  });

  it("erases a subject in every service, although one was stopped when the request started, and signs a receipt that verifies", async () => {
    const subjectId = await contact("erase-me@example.com");
    await request("/v1/consents", { body: { subjectId, purposeId, channel: "email", action: "grant", source: "api", ipAddress: "198.51.100.4" } });
    const contacts = platform.processes.find((process) => process.name === "contacts")!;
    await contacts.stop();

    const started = await request("/v1/subject-requests", { body: { kind: "erasure", subjectId, emails: ["erase-me@example.com"] } });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/v1/subject-requests/${started.body.id}`);
    const waiting = await waitFor(async () => {
      const { body } = await request(`/v1/subject-requests/${started.body.id}`);
      return body.services.filter((s: { done: boolean }) => s.done).length === services.length - 1 ? body : undefined;
    }, 30_000);
    expect(waiting).toMatchObject({ status: "in_progress" });
    expect(waiting.services.filter((s: { done: boolean }) => !s.done).map((s: { service: string }) => s.service)).toEqual(["contacts"]);
    expect((await request(`/v1/subject-requests/${started.body.id}/receipt`)).status).toBe(409);

    await contacts.restart();
    const done = await completed(started.body.id);
    expect(done).toMatchObject({ subjectId: "", emails: [] });
    expect(done.services.find((s: { service: string }) => s.service === "contacts")).toMatchObject({ done: true, anonymised: 1 });
    // Once the gateway reaches contacts again (its channel backs off while the service is down).
    const read = await waitFor(async () => {
      const { status } = await request(`/v1/contacts/${subjectId}`);
      return status === 503 ? undefined : status;
    }, 20_000);
    expect(read).toBe(404);
    const history = await request(`/v1/consents/history?filter=${encodeURIComponent(`subjectId[eq]:${subjectId}`)}`);
    expect(history.body.data).toEqual([]);

    const receipt = await request(`/v1/subject-requests/${started.body.id}/receipt`);
    expect(receipt.body.receipt.services.map((s: { service: string }) => s.service)).toEqual(services);
    expect(receipt.body.receiptJson).not.toContain(subjectId);
    const verified = await request("/v1/subject-requests/receipts/verify", { body: receipt.body });
    expect(verified.body).toMatchObject({ valid: true, requestId: started.body.id });
    const tampered = await request("/v1/subject-requests/receipts/verify", { body: { ...receipt.body, receiptJson: receipt.body.receiptJson.replace('"anonymised":1', '"anonymised":0') } });
    expect(tampered.status).toBe(400);
    expect(tampered.body.errors).toEqual([{ field: "receipt.signature", message: expect.stringContaining("altered") }]);
  }, 90_000);

  it("exports what every service holds about a subject, as the receipt vouches", async () => {
    const subjectId = await contact("export-me@example.com");
    await request("/v1/consents", { body: { subjectId, purposeId, channel: "sms", action: "grant", source: "agent" } });
    const started = await request("/v1/subject-requests", { body: { kind: "access", subjectId, emails: ["export-me@example.com"] } });
    expect(started.status).toBe(202);
    const done = await completed(started.body.id);
    expect(done.services.every((s: { done: boolean }) => s.done)).toBe(true);

    const exported = await request(`/v1/subject-requests/${started.body.id}/export`);
    expect(Object.keys(exported.body.services).sort()).toEqual(services);
    expect(exported.body.services.contacts.contacts).toEqual([expect.objectContaining({ id: subjectId, givenName: "Eve", emails: [expect.objectContaining({ address: "export-me@example.com" })] })]);
    expect(exported.body.services.consent.consents).toEqual([expect.objectContaining({ purposeId, channel: "sms", status: "granted", purpose: "Marketing e-mail" })]);
    const receipt = await request(`/v1/subject-requests/${started.body.id}/receipt`);
    expect(receipt.body.receipt).toMatchObject({ kind: "access", exportSha256: createHash("sha256").update(exported.text).digest("hex") });
  }, 60_000);
});
