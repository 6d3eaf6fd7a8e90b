import { signTestToken, startPlatform, uniqueName, type RunningPlatform } from "@crm/testing";
import { gatewayCalls, type Body } from "./gateway-calls";

// The contacts API beyond create/read: updates with ETags, duplicates, merges, organisations,
// custom fields, CSV import and export, through the gateway over HTTP.
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts"] });
  token = await signTestToken({ tenant: uniqueName("records") });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

const call = gatewayCalls(() => ({ url: platform.gatewayUrl, token }));

const finishedJob = async (id: string): Promise<Body> => {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const job = (await call("GET", `/v1/imports/${id}`)).json;
    if (job.status === "completed" || job.status === "failed") return job;
  }
  throw new Error(`import job ${id} did not finish`);
};
const newImport = async () => (await call("POST", "/v1/imports", { entity: "contacts" })).json.id as string;

describe("records through the gateway", () => {
  it("updates with PATCH and If-Match, answering 412 to a stale ETag", async () => {
    const created = await call("POST", "/v1/contacts", { givenName: "Pat", familyName: "Patch", email: "pat@example.com" });
    const etag = created.headers.get("etag")!;
    const patched = await call("PATCH", `/v1/contacts/${created.json.id}`, { title: "CTO", phone: "+48 601 234 567" }, { "if-match": etag });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ title: "CTO", phone: "+48601234567", email: "pat@example.com", givenName: "Pat" });
    const stale = await call("PATCH", `/v1/contacts/${created.json.id}`, { title: "CEO" }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("content-type")).toMatch(/problem\+json/);
    expect((await call("GET", `/v1/contacts/${created.json.id}`)).json.title).toBe("CTO");
  });

  it("answers 409 with candidates for a likely duplicate, creates it with allowDuplicates, then merges and undoes", async () => {
    const first = await call("POST", "/v1/contacts", { givenName: "Dana", familyName: "Double", email: "dana@example.com", tags: ["a"] });
    const conflict = await call("POST", "/v1/contacts", { givenName: "Dana", familyName: "Double", email: "DANA@example.com" });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ type: "/problems/conflict", candidates: [{ id: first.json.id, score: 1, reasons: ["same e-mail", "same name"] }] });
    const second = await call("POST", "/v1/contacts?allowDuplicates=true", { givenName: "Dana", familyName: "Double", email: "dana@example.com", tags: ["b"] });
    expect(second.status).toBe(201);
    const candidates = await call("GET", `/v1/contacts/${second.json.id}/duplicates`);
    expect(candidates.json.data[0]).toMatchObject({ id: first.json.id });

    const merged = await call("POST", "/v1/contacts/merges", { survivorId: first.json.id, mergedId: second.json.id });
    expect(merged.status).toBe(201);
    expect(merged.json.contact.tags).toEqual(["a", "b"]);
    expect((await call("GET", `/v1/contacts/${second.json.id}`)).status).toBe(404);
    const undone = await call("POST", `/v1/contacts/merges/${merged.json.mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect((await call("GET", `/v1/contacts/${second.json.id}`)).json.tags).toEqual(["b"]);
  });

  it("keeps organisations with their key persons", async () => {
    const org = await call("POST", "/v1/organizations", { name: "Initech LLC", domain: "www.initech.example", size: "51-200", annualRevenue: { currencyCode: "usd", amount: "1250000.00" } });
    expect(org.status).toBe(201);
    expect(org.json).toMatchObject({ domain: "initech.example", annualRevenue: { currencyCode: "USD" } });
    expect((await call("POST", "/v1/organizations", { name: "Initech" })).status).toBe(409);
    const link = (decisionMaker: boolean) => [{ organizationId: org.json.id, role: decisionMaker ? "CEO" : "Engineer", decisionMaker }];
    const boss = await call("POST", "/v1/contacts", { givenName: "Bill", familyName: "Lumbergh", organizations: link(true) });
    await call("POST", "/v1/contacts", { givenName: "Peter", familyName: "Gibbons", organizations: link(false) });
    const keyPersons = await call("GET", `/v1/organizations/${org.json.id}/key-persons`);
    expect(keyPersons.json.data.map((c: { id: string }) => c.id)).toEqual([boss.json.id]);
    const found = await call("GET", "/v1/contacts?q=initech");
    expect(found.json.data).toHaveLength(2);
  });

  it("defines a custom field, validates values against it and filters by it", async () => {
    const defined = await call("PUT", "/v1/custom-fields/contractValue", { label: "Contract value", type: "number" });
    expect(defined.status).toBe(200);
    expect((await call("POST", "/v1/contacts", { givenName: "Val", familyName: "Bad", customFields: { contractValue: "lots" } })).json.errors[0].field).toBe("contact.customFields.contractValue");
    await call("POST", "/v1/contacts", { givenName: "Val", familyName: "Big", customFields: { contractValue: "50000" } });
    await call("POST", "/v1/contacts", { givenName: "Val", familyName: "Small", customFields: { contractValue: "500" } });
    const big = await call("GET", `/v1/contacts?filter=${encodeURIComponent("custom.contractValue[gt]:1000")}`);
    expect(big.json.data.map((c: { familyName: string }) => c.familyName)).toEqual(["Big"]);
    const viewer = await signTestToken({ tenant: uniqueName("viewer"), roles: ["agent"] });
    const retyped = await call("PUT", "/v1/custom-fields/contractValue", { type: "text" });
    expect(retyped.status).toBe(409);
    expect(retyped.json.detail).toMatch(/stays number/);
    const denied = await fetch(`${platform.gatewayUrl}/v1/custom-fields/x`, { method: "PUT", headers: { authorization: `Bearer ${viewer}`, "content-type": "application/json" }, body: JSON.stringify({ type: "text" }) });
    expect(denied.status).toBe(403);
  });

  it("imports a CSV upload with a per-row report, and exports a filter as CSV", async () => {
    const job = await call("POST", "/v1/imports", { entity: "contacts", columnMapping: { Name: "givenName", Surname: "familyName", Mail: "email", Land: "country" }, onDuplicate: "update" });
    expect(job.status).toBe(201);
    expect(job.json.status).toBe("awaiting_file");
    const csv = "Name,Surname,Mail,Land\nIrene,Import,irene@import.example,NL\nBroken,Row,broken,NL\nIvo,Import,ivo@import.example,NL\n";
    const uploaded = await call("PUT", `/v1/imports/${job.json.id}/file`, csv, { "content-type": "text/csv" });
    expect(uploaded.status).toBe(202);
    expect(uploaded.json).toMatchObject({ status: "queued", bytesReceived: csv.length });
    expect(uploaded.headers.get("location")).toBe(`/v1/imports/${job.json.id}`);
    expect(await finishedJob(job.json.id)).toMatchObject({ status: "completed", created: 2, failed: 1, errors: [{ row: 2, field: "emails[0].address" }] });
    expect((await call("PUT", `/v1/imports/${job.json.id}/file`, csv, { "content-type": "text/csv" })).status).toBe(412);

    const exported = await call("GET", `/v1/contacts/export.csv?filter=${encodeURIComponent("country[eq]:NL")}`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = exported.text.trim().split("\n");
    expect(lines[0]).toMatch(/^id,givenName,familyName,/);
    expect(lines.slice(1).map((line) => line.split(",")[2]).sort()).toEqual(["Import", "Import"]);
    const badFilter = await call("GET", `/v1/contacts/export.csv?filter=${encodeURIComponent("shoe[eq]:1")}`);
    expect(badFilter.status).toBe(400);
  });

  it("refuses a body that is not CSV with 415, and leaves the job waiting for its file", async () => {
    const id = await newImport();
    const refused = await call("PUT", `/v1/imports/${id}/file`, []);
    expect(refused.status).toBe(415);
    expect(refused.json).toMatchObject({ type: "/problems/unsupported-media-type", detail: expect.stringContaining("text/csv") });
    expect((await call("GET", `/v1/imports/${id}`)).json.status).toBe("awaiting_file");
  });

  it("answers a file with an oversized record at once with 400 and closes the connection, whatever remains to send", async () => {
    const id = await newImport();
    const started = Date.now();
    // 5 MB, the second record far over 64 KiB; the client is still sending when the service refuses it.
    const body = `email,familyName\nbig@example.com,${"x".repeat(5_000_000)}\n`;
    const refused = await call("PUT", `/v1/imports/${id}/file`, body, { "content-type": "text/csv" }).catch((error: Error) => ({ status: 0, error, json: {} as Body, headers: new Headers() }));
    expect(Date.now() - started).toBeLessThan(10_000);
    if (refused.status !== 0) {
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ errors: [{ field: "file", message: expect.stringMatching(/not valid CSV: .*Max Record Size/) }] });
      expect(refused.headers.get("connection")).toBe("close");
    }
    expect(await finishedJob(id)).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/Max Record Size/) });
  });

  it("fails the job of an upload that broke off, with the reason", async () => {
    const id = await newImport();
    const aborter = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (sent++ === 3) {
          aborter.abort();
          return;
        }
        controller.enqueue(new TextEncoder().encode(sent === 1 ? "email,familyName\n" : `p${sent}@example.com,Cut\n`));
        await new Promise((r) => setTimeout(r, 200));
      },
    });
    const upload = fetch(`${platform.gatewayUrl}/v1/imports/${id}/file`, {
      method: "PUT", body, duplex: "half", signal: aborter.signal, headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    } as RequestInit);
    await expect(upload).rejects.toThrow();
    expect(await finishedJob(id)).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/upload broke off/) });
  });
});
