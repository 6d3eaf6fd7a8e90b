import { signTestToken, startPlatform, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";
import { gatewayCalls, type Body } from "./gateway-calls";

// The interactions API with the real contacts service beside it, over HTTP: interactions reach
// contacts' last-interaction time, contacts' events reach the timeline, a merge moves it.
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts", "interactions"] });
  token = await signTestToken({ tenant: uniqueName("interactions_e2e") });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

const call = gatewayCalls(() => ({ url: platform.gatewayUrl, token }));
const newContact = async (givenName: string) => (await call("POST", "/v1/contacts?allowDuplicates=true", { givenName, familyName: "Tester" })).json.id as string;
const timeline = async (contactId: string, query = "") => (await call("GET", `/v1/contacts/${contactId}/timeline${query}`)).json;
const timelineWith = (contactId: string, accept: (data: Body[]) => boolean) =>
  waitFor(async () => {
    const { data } = await timeline(contactId);
    return accept(data) ? (data as Body[]) : undefined;
  }, 20_000);

describe("gateway /v1/interactions, /v1/tasks and timelines", () => {
  it("logs a call, reads, searches and patches it; contacts learns the last interaction; the timeline shows both services' facts", async () => {
    const ada = await newContact("Ada");
    const logged = await call("POST", "/v1/interactions", {
      kind: "call",
      contactIds: [ada],
      occurredAt: "2025-03-02T10:15:00Z",
      subject: "Renewal terms",
      body: "Asked for a discount",
      call: { direction: "outbound", durationSeconds: 600, outcome: "connected" },
    });
    expect(logged.status).toBe(201);
    expect(logged.json).toMatchObject({ kind: "call", contactIds: [ada], occurredAt: "2025-03-02T10:15:00.000Z", call: { direction: "outbound", durationSeconds: 600 } });
    expect(logged.headers.get("location")).toBe(`/v1/interactions/${logged.json.id}`);
    expect((await call("GET", "/v1/interactions?q=discou")).json.data.map((i: Body) => i.id)).toEqual([logged.json.id]);

    const patched = await call("PATCH", `/v1/interactions/${logged.json.id}`, { subject: "Renewal signed" }, { "if-match": logged.headers.get("etag")! });
    expect(patched.json).toMatchObject({ subject: "Renewal signed", body: "Asked for a discount" });
    expect((await call("PATCH", `/v1/interactions/${logged.json.id}`, { subject: "x" }, { "if-match": logged.headers.get("etag")! })).status).toBe(412);

    // contacts consumes interaction.logged for its lastInteractionAt filter.
    await waitFor(async () => {
      const { data } = (await call("GET", `/v1/contacts?filter=${encodeURIComponent("lastInteractionAt[gte]:2025-03-01")}`)).json;
      return data.some((c: Body) => c.id === ada) ? true : undefined;
    }, 20_000);
    // Newest first: the contact was created today, the call happened in March 2025.
    const feed = await timelineWith(ada, (data) => data.length === 2 && data[1]?.summary.endsWith("Renewal signed"));
    expect(feed.map((e) => [e.kind, e.source])).toEqual([["contact.created", "contacts"], ["call", "interactions"]]);
    const calls = await timeline(ada, `?filter=${encodeURIComponent("kind[eq]:call")}&limit=1`);
    expect(calls).toMatchObject({ data: [{ kind: "call", about: { type: "interaction", id: logged.json.id } }], pageInfo: { hasNextPage: false } });
    const engagement = (await call("GET", `/v1/contacts/${ada}/engagement`)).json;
    expect(engagement).toMatchObject({ contactId: ada, lastInteraction: { interactionId: logged.json.id, kind: "call" } });
  });

  it("answers invalid input with problem+json naming every field, and nothing is stored", async () => {
    const invalid = await call("POST", "/v1/interactions", { kind: "call", contactIds: ["nope"], call: { direction: "sideways" } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toMatch(/problem\+json/);
    expect(invalid.json.errors.map((e: Body) => e.field)).toEqual(["contactIds.0", "call.direction"]);
    const kindless = await call("POST", "/v1/interactions", { contactIds: [] });
    expect(kindless.status).toBe(400);
  });

  it("follows a contacts merge made through the API: the survivor's timeline gathers both", async () => {
    const [survivor, merged] = [await newContact("Grace"), await newContact("Gracie")];
    await call("POST", "/v1/interactions", { kind: "note", contactIds: [merged], subject: "On the duplicate" });
    await timelineWith(merged, (data) => data.length === 2);
    const merge = await call("POST", "/v1/contacts/merges", { survivorId: survivor, mergedId: merged });
    expect(merge.status).toBe(201);
    const joined = await timelineWith(survivor, (data) => data.some((e) => e.kind === "contact.merged") && data.some((e) => e.summary === "Note: On the duplicate"));
    expect(joined.filter((e) => e.summary === "Note: On the duplicate")).toHaveLength(1);
    const moved = (await call("GET", `/v1/interactions?filter=${encodeURIComponent(`contactId[eq]:${survivor}`)}`)).json.data;
    expect(moved.map((i: Body) => i.contactIds)).toEqual([[survivor]]);
  });

  it("creates, completes and lists follow-up tasks", async () => {
    const ada = await newContact("Task");
    const created = await call("POST", "/v1/tasks", { title: "Send proposal", dueAt: "2030-01-01T09:00:00Z", priority: "high", links: [{ type: "contact", id: ada }] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: "Send proposal", status: "open", overdue: false, dueAt: "2030-01-01T09:00:00.000Z" });
    // An empty If-Match is refused, not read as "no condition" (Schemathesis found it accepted).
    const unconditional = await call("PATCH", `/v1/tasks/${created.json.id}`, { title: "Changed" }, { "if-match": "" });
    expect(unconditional.status).toBe(400);
    expect(unconditional.json.errors).toEqual([{ field: "If-Match", message: expect.stringContaining("etag") }]);
    expect((await call("GET", `/v1/tasks/${created.json.id}`)).json.title).toBe("Send proposal");
    const done = await call("PATCH", `/v1/tasks/${created.json.id}`, { status: "completed" }, { "if-match": created.headers.get("etag")! });
    expect(done.json).toMatchObject({ status: "completed" });
    expect(done.json.completedAt).toEqual(expect.any(String));
    const open = await call("GET", `/v1/tasks?filter=${encodeURIComponent(`and(contactId[eq]:${ada},status[eq]:open)`)}`);
    expect(open.json.data).toEqual([]);
    await timelineWith(ada, (data) => data.some((e) => e.kind === "task.completed" && e.summary === "Task completed: Send proposal"));
  });

  it("describes every route in the OpenAPI document", async () => {
    const { paths } = (await call("GET", "/openapi.json")).json;
    for (const path of ["/v1/interactions", "/v1/interactions/{id}", "/v1/tasks", "/v1/tasks/{id}", "/v1/contacts/{id}/timeline", "/v1/organizations/{id}/timeline", "/v1/deals/{id}/timeline", "/v1/contacts/{id}/engagement"]) {
      expect(Object.keys(paths)).toContain(path);
    }
    expect(paths["/v1/interactions"].post.requestBody.content["application/json"].schema.oneOf).toHaveLength(6);
  });
});
