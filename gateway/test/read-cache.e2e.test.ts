import { signTestToken, startPlatform, uniqueName, type PlatformProcess, type RunningPlatform } from "@crm/testing";

// Single-resource reads answered by the gateway itself, and dropped when the service's events
// say the resource changed, whoever changed it.
let platform: RunningPlatform;
let contacts: PlatformProcess;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts"] });
  contacts = platform.processes.find((p) => p.name === "contacts")!;
  token = await signTestToken({ tenant: uniqueName("read_cache") });
}, 60_000);
afterAll(async () => {
  contacts?.resume();
  await platform?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${platform.gatewayUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } });
const titleOf = async (path: string) => ((await (await api(path)).json()) as { title: string }).title;

describe("the gateway's read cache", () => {
  it("answers a repeated read without the service, and forgets it when the service reports a change", async () => {
    const email = `${uniqueName("cached")}@example.com`;
    const created = await api("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "Cached", familyName: "Reader", email, title: "Engineer" }) });
    expect(created.status).toBe(201);
    const path = created.headers.get("location")!;
    const first = await api(path);
    expect(first.status).toBe(200);
    const body = await first.text();

    // With the service frozen, the same read is answered from the gateway, ETag and all.
    contacts.pause();
    try {
      const again = await api(path, { signal: AbortSignal.timeout(2_000) });
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(body);
      expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    } finally {
      contacts.resume();
    }

    // A change made without the gateway's contact routes (a CSV import updates the record in the
    // service): its contact.updated event drops the cached read.
    const job = (await api("/v1/imports", { method: "POST", body: JSON.stringify({ entity: "contacts", naturalKey: "email", onDuplicate: "update" }) })).headers.get("location")!;
    const upload = await api(`${job}/file`, { method: "PUT", headers: { "content-type": "text/csv" }, body: `email,title\n${email},Director\n` });
    expect(upload.status).toBe(202);
    const deadline = Date.now() + 10_000;
    let title = await titleOf(path);
    while (title !== "Director" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      title = await titleOf(path);
    }
    expect(title).toBe("Director");
  }, 30_000);

  it("serves a changed record at once after a change made through the gateway", async () => {
    const created = await api("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "Patched", familyName: "Reader", title: "Before" }) });
    const path = created.headers.get("location")!;
    const read = await api(path);
    const patched = await api(path, { method: "PATCH", headers: { "if-match": read.headers.get("etag")! }, body: JSON.stringify({ title: "After" }) });
    expect(patched.status).toBe(200);
    expect(await titleOf(path)).toBe("After");
  });
});
