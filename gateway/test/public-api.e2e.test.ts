import { signTestToken, startPlatform, uniqueName, type PlatformProcess, type RunningPlatform } from "@crm/testing";

// The public API's safety features over HTTP, with contacts and the gateway as real processes:
// Idempotency-Keys, API keys, rate limits, record-level permissions and the customer 360.
let platform: RunningPlatform;
let contacts: PlatformProcess;
const tenant = uniqueName("public_api");
let admin: string;

beforeAll(async () => {
  // Every service (the 360 has a section from each); sales users see only their own records; the services' calls answer within 3 s.
  platform = await startPlatform({ gatewayEnv: { ROLE_RECORD_ACCESS: "sales=own", UPSTREAM_TIMEOUT_MS: "3000", CUSTOMER360_PART_TIMEOUT_MS: "1000" } });
  contacts = platform.processes.find((p) => p.name === "contacts")!;
  admin = await signTestToken({ tenant, subject: "admin-1" });
}, 60_000);
afterAll(async () => {
  contacts?.resume();
  await platform?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in assertions
type Body = Record<string, any>;

async function call(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const credential = options.token ?? admin;
  const response = await fetch(`${platform.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(credential.startsWith("crm_") ? { "x-api-key": credential } : { authorization: `Bearer ${credential}` }),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: (text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined) as Body };
}

describe("Idempotency-Key", () => {
  it("answers a repeat with the stored answer, a changed body with 422", async () => {
    const key = uniqueName("key");
    const body = { givenName: "Idem", familyName: "Potent", email: `${key}@example.com` };
    const first = await call("POST", "/v1/contacts", { body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    const again = await call("POST", "/v1/contacts", { body, headers: { "idempotency-key": key } });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(again.headers.get("idempotent-replayed")).toBe("true");

    const changed = await call("POST", "/v1/contacts", { body: { ...body, givenName: "Other" }, headers: { "idempotency-key": key } });
    expect(changed.status).toBe(422);
    expect(changed.json.type).toBe("/problems/idempotency-key-reused");
    // Another credential's key of the same text is its own.
    const otherUser = await signTestToken({ tenant, subject: "admin-2" });
    expect((await call("POST", "/v1/organizations", { body: { name: `Org ${key}` }, token: otherUser, headers: { "idempotency-key": key } })).status).toBe(201);
  });

  it("answers 409 to a repeat while the first request still runs", async () => {
    const key = uniqueName("inflight");
    const body = { givenName: "Slow", familyName: "Request" };
    contacts.pause();
    try {
      const first = call("POST", "/v1/contacts", { body, headers: { "idempotency-key": key } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const repeat = await call("POST", "/v1/contacts", { body, headers: { "idempotency-key": key } });
      expect(repeat.status).toBe(409);
      expect(repeat.json.type).toBe("/problems/request-in-progress");
      contacts.resume();
      // The first ends (answered or timed out); a retry then gets the contact, created once.
      await first;
      const retried = await call("POST", "/v1/contacts", { body, headers: { "idempotency-key": key } });
      expect(retried.status).toBe(201);
      const listed = await call("GET", `/v1/contacts?filter=${encodeURIComponent("familyName[eq]:Request")}`);
      expect(listed.json.data).toHaveLength(1);
    } finally {
      contacts.resume();
    }
  }, 30_000);
});

describe("API keys", () => {
  it("creates a key shown once, authenticates with it within its scopes, records its use, and revokes it", async () => {
    const created = await call("POST", "/v1/api-keys", { body: { name: "ERP sync", scopes: ["contacts:read"] } });
    expect(created.status).toBe(201);
    const { key, id } = created.json;
    expect(key).toMatch(/^crm_[0-9a-f]{32}_/);

    const listed = await call("GET", "/v1/contacts?limit=1", { token: key });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("ratelimit-limit")).toBe("1200");
    // Read-only scope: a write is refused.
    expect((await call("POST", "/v1/contacts", { token: key, body: { givenName: "No" } })).status).toBe(403);

    const record = await call("GET", `/v1/api-keys/${id}`);
    expect(record.json).toMatchObject({ id, name: "ERP sync", scopes: ["contacts:read"], revokedAt: null, lastUsedAt: expect.any(String) });
    // The secret (after the id; base64url, so it may hold "_" itself) is never shown again.
    expect(record.text).not.toContain(key.slice("crm_".length + 32 + 1));
    expect((await call("GET", "/v1/api-keys")).json.data.map((k: Body) => k.id)).toContain(id);

    expect((await call("DELETE", `/v1/api-keys/${id}`)).json.revokedAt).toEqual(expect.any(String));
    expect((await call("GET", "/v1/contacts?limit=1", { token: key })).status).toBe(401);
    // A key may not grant more than its creator holds, nor be read by a non-administrator.
    const sales = await signTestToken({ tenant, subject: "seller", roles: ["sales"] });
    expect((await call("POST", "/v1/api-keys", { token: sales, body: { name: "x", scopes: ["contacts:read"] } })).status).toBe(403);
    const tooMuch = await call("POST", "/v1/api-keys", { body: { name: "x", scopes: ["nothing:read", "contacts:destroy"] } });
    expect(tooMuch.status).toBe(400);
  });

  it("answers 429 with Retry-After once the key's rate limit is spent, with RateLimit headers throughout", async () => {
    const { key } = (await call("POST", "/v1/api-keys", { body: { name: "Tight", scopes: ["contacts:read"], requestsPerMinute: 3 } })).json;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call("GET", "/v1/contacts?limit=1", { token: key }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    const limited = answers[3]!;
    expect(limited.headers.get("ratelimit-limit")).toBe("3");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(limited.json).toMatchObject({ status: 429, type: "/problems/rate-limited" });
  });
});

describe("record-level permissions", () => {
  it("shows a sales user only the records they own, in lists, gets, searches, exports and the 360", async () => {
    const word = uniqueName("Owned").replace(/_/g, "");
    const own = (await call("POST", "/v1/contacts", { body: { givenName: "Mine", familyName: word, ownerId: "seller-a", email: `mine-${word}@example.com` } })).json;
    const other = (await call("POST", "/v1/contacts", { body: { givenName: "Theirs", familyName: word, ownerId: "seller-b", email: `theirs-${word}@example.com` } })).json;
    const seller = await signTestToken({ tenant, subject: "seller-a", roles: ["sales"] });

    const listed = await call("GET", `/v1/contacts?filter=${encodeURIComponent(`familyName[eq]:${word}`)}`, { token: seller });
    expect(listed.json.data.map((c: Body) => c.id)).toEqual([own.id]);
    const searched = await call("GET", `/v1/contacts?q=${word}`, { token: seller });
    expect(searched.json.data.map((c: Body) => c.id)).toEqual([own.id]);
    // The admin's read puts the other record in the gateway's read cache: the seller is still not shown it.
    expect((await call("GET", `/v1/contacts/${other.id}`)).status).toBe(200);
    expect((await call("GET", `/v1/contacts/${other.id}`, { token: seller })).status).toBe(404);
    expect((await call("GET", `/v1/contacts/${own.id}`, { token: seller })).status).toBe(200);
    const exported = await call("GET", `/v1/contacts/export.csv?q=${word}`, { token: seller });
    expect(exported.text).toContain(`mine-${word.toLowerCase()}@example.com`);
    expect(exported.text).not.toContain(`theirs-${word.toLowerCase()}@example.com`);
    expect((await call("GET", `/v1/customers/${other.id}/360`, { token: seller })).status).toBe(404);
    // What the seller creates is theirs.
    const created = await call("POST", "/v1/contacts", { token: seller, body: { givenName: "New", familyName: word } });
    expect(created.json.ownerId).toBe("seller-a");
  });
});

describe("customer 360", () => {
  it("composes the person, their organisations and every service's section, then answers partially while contacts is stopped", async () => {
    const organization = (await call("POST", "/v1/organizations", { body: { name: `Three Sixty ${uniqueName("org")}` } })).json;
    const person = (await call("POST", "/v1/contacts", {
      body: { givenName: "Whole", familyName: "Customer", organizations: [{ organizationId: organization.id, role: "Buyer", decisionMaker: true }] },
    })).json;
    const note = await call("POST", "/v1/interactions", { body: { kind: "note", contactIds: [person.id], subject: "Asked about renewals" } });
    expect(note.status).toBe(201);
    const purpose = (await call("POST", "/v1/purposes", { body: { name: `Newsletter ${uniqueName("p")}`, lawfulBasis: "consent", noticeText: "Monthly news." } })).json;
    const consent = await call("POST", "/v1/consents", { body: { subjectId: person.id, purposeId: purpose.id, channel: "email", action: "grant", source: "form" } });
    expect(consent.status).toBe(201);
    const view = await call("GET", `/v1/customers/${person.id}/360`);
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({
      contactId: person.id,
      status: "complete",
      sections: {
        contact: { status: "ok", data: { id: person.id, givenName: "Whole" } },
        organizations: { status: "ok", data: [{ id: organization.id, role: "Buyer", decisionMaker: true }] },
        interactions: { status: "ok", data: { latest: [{ id: note.json.id, subject: "Asked about renewals" }], engagement: { contactId: person.id, lastInteraction: { interactionId: note.json.id } } } },
        consent: { status: "ok", data: { consents: [{ subjectId: person.id, purposeId: purpose.id, channel: "email", status: "granted" }] } },
        tickets: { status: "ok", data: [] },
      },
    });
    // Every section is one a registered service contributes, and none is left out.
    expect(Object.values(view.json.sections).every((section) => (section as Body).status === "ok")).toBe(true);
    expect((await call("GET", "/v1/customers/0190f2a4-7c1e-7a3b-9d2f-4b6e8c1a2f3d/360")).status).toBe(404);

    // A change to the organisation drops the cached answer.
    const read = await call("GET", `/v1/organizations/${organization.id}`);
    await call("PATCH", `/v1/organizations/${organization.id}`, { body: { industry: "Aerospace" }, headers: { "if-match": read.headers.get("etag")! } });
    expect((await call("GET", `/v1/customers/${person.id}/360`)).json.sections.organizations.data[0].industry).toBe("Aerospace");

    // Another person, never composed: with contacts frozen, its sections say unavailable within the deadline.
    const stranger = (await call("POST", "/v1/contacts", { body: { givenName: "Partial", familyName: "Customer" } })).json;
    contacts.pause();
    try {
      const started = Date.now();
      const partial = await call("GET", `/v1/customers/${stranger.id}/360`);
      expect(Date.now() - started).toBeLessThan(2_900);
      expect(partial.status).toBe(200);
      expect(partial.json).toMatchObject({ status: "partial", sections: { contact: { status: "unavailable" }, organizations: { status: "unavailable" } } });
    } finally {
      contacts.resume();
    }
  }, 30_000);
});
