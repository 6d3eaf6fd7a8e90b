import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { commonV1, eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { api, grpcError, note, startTestService, tenant, type TestService } from "./support";

// The whole service in this process, against the real FerretDB, NATS and Redis; its events seen on NATS.
let harness: TestService;
let calls: ReturnType<typeof api>;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("interactions");
  calls = api(harness);
  published = await EventWatcher.start("crm.interactions.>");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

const { Comparator } = commonV1;
const condition = (field: string, comparator: commonV1.Comparator, ...values: string[]) => ({ node: { $case: "condition" as const, condition: { field, comparator, values } } });
const subjects = (response: { interactions: Array<{ subject: string }> }) => response.interactions.map((i) => i.subject);

describe("logging interactions", () => {
  it("logs a call with its details, reads it back, and publishes interaction.logged for contacts' last interaction", async () => {
    const owner = tenant("call");
    const [ada, bob, org] = [uuidv7(), uuidv7(), uuidv7()];
    const occurTime = new Date("2026-03-02T10:15:00Z");
    const call = await calls.log(owner, {
      contactIds: [ada, bob],
      organizationId: org,
      occurTime,
      subject: "Renewal terms",
      body: "Asked for a 10% discount; send the proposal by Friday.",
      details: { $case: "call", call: { direction: "Outbound", durationSeconds: 754, outcome: "connected", recordingUrl: "https://rec.example/1" } },
    });
    expect(call).toMatchObject({ kind: "call", contactIds: [ada, bob], organizationId: org, ownerId: owner.subject, occurTime, etag: 'W/"1"' });
    expect(call.details).toEqual({ $case: "call", call: { direction: "outbound", durationSeconds: 754, outcome: "connected", recordingUrl: "https://rec.example/1" } });
    expect(await calls.get(owner, call.id)).toEqual(call);

    const event = await published.next((e) => e.subject === "crm.interactions.interaction.logged" && eventsV1.InteractionLogged.decode(e.payload).interactionId === call.id);
    expect(event.headers).toMatchObject({ "Crm-Tenant": owner.tenantId, "Crm-Event-Type": "crm.events.v1.InteractionLogged" });
    expect(eventsV1.InteractionLogged.decode(event.payload)).toMatchObject({
      kind: "call",
      contactIds: [ada, bob],
      organizationId: org,
      occurTime,
      summary: "Outbound call, 13 min, connected: Renewal terms",
      version: 1,
    });
  });

  it("logs an e-mail once per message id, even when a re-sent copy comes with another request id", async () => {
    const owner = tenant("email");
    const email = (requestId: string) =>
      calls.log(
        owner,
        { contactIds: [uuidv7()], subject: "Quote", details: { $case: "email", email: { direction: "inbound", threadId: "th-1", messageId: "<q-42@mail.example>", fromAddress: "a@b.example", toAddresses: [] } } },
        requestId,
      );
    const first = await email(uuidv7());
    const copy = await email(uuidv7());
    expect(copy.id).toBe(first.id);
    expect(subjects(await calls.list(owner, {}))).toEqual(["Quote"]);
  });

  it("refuses bad input with every field violation and stores nothing; keeps tenants apart", async () => {
    const [mine, other] = [tenant("mine"), tenant("other")];
    const invalid = await grpcError(calls.log(mine, { contactIds: ["x"], details: { $case: "webVisit", webVisit: { pageUrl: "not a url", pageTitle: "", referrer: "", campaign: "" } } }));
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(invalid)).toEqual([
      { field: "interaction.contactIds[0]", description: "is not an id this API issued" },
      { field: "interaction.webVisit.pageUrl", description: "must be an http or https URL" },
    ]);
    expect((await calls.list(mine, {})).interactions).toEqual([]);
    const theirs = await calls.log(other, note([uuidv7()]));
    expect((await grpcError(calls.get(mine, theirs.id))).code).toBe(Status.NOT_FOUND);
  });

  it("finds free text by word prefix, and lists by linked record, kind and time with cursors", async () => {
    const owner = tenant("search");
    const [ada, bob] = [uuidv7(), uuidv7()];
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    await calls.log(owner, note([ada], { occurTime: at(1), subject: "First", body: "Discussed the négociation of the Łódź office" }));
    await calls.log(owner, note([ada, bob], { occurTime: at(3), subject: "Second", body: "Nothing special" }));
    await calls.log(owner, { contactIds: [ada], occurTime: at(2), subject: "Third", details: { $case: "message", message: { channel: "social", network: "LinkedIn", handle: "@ada", direction: "inbound" } } });

    expect(subjects(await calls.list(owner, { search: "negoc lodz" }))).toEqual(["First"]);
    expect(subjects(await calls.list(owner, { search: "linked" }))).toEqual(["Third"]);
    expect(subjects(await calls.list(owner, { filter: condition("contactId", Comparator.COMPARATOR_EQ, bob) }))).toEqual(["Second"]);
    expect(subjects(await calls.list(owner, { filter: condition("kind", Comparator.COMPARATOR_EQ, "note") }))).toEqual(["Second", "First"]);
    const first = await calls.list(owner, { filter: condition("contactId", Comparator.COMPARATOR_EQ, ada), page: { pageSize: 2, pageToken: "", direction: 0 } });
    expect(subjects(first)).toEqual(["Second", "Third"]);
    const next = await calls.list(owner, { filter: condition("contactId", Comparator.COMPARATOR_EQ, ada), page: { pageSize: 2, pageToken: first.pageInfo!.endCursor, direction: 0 } });
    expect(subjects(next)).toEqual(["First"]);
    const bad = await grpcError(calls.list(owner, { filter: condition("body", Comparator.COMPARATOR_EQ, "x") }));
    expect(fieldViolationsOf(bad)[0]?.field).toBe("filter.body");
  });

  it("updates the fields a mask names at the etag read, refuses a stale etag and a change of kind, then deletes", async () => {
    const owner = tenant("update");
    const created = await calls.log(owner, note([uuidv7()], { subject: "Draft", body: "v1" }));
    const updated = await calls.update(owner, { id: created.id, etag: created.etag, updateMask: ["subject"], interaction: { subject: "Final", body: "ignored" } as never });
    expect(updated).toMatchObject({ subject: "Final", body: "v1", etag: 'W/"2"' });
    expect((await grpcError(calls.update(owner, { id: created.id, etag: created.etag, updateMask: ["body"], interaction: { body: "x" } as never }))).code).toBe(Status.FAILED_PRECONDITION);
    const kind = await grpcError(calls.update(owner, { id: created.id, updateMask: ["details"], interaction: { details: { $case: "call", call: { direction: "inbound", durationSeconds: 1, outcome: "", recordingUrl: "" } } } as never }));
    expect(fieldViolationsOf(kind)).toEqual([{ field: "interaction.call", description: "the kind cannot change: this interaction is a note" }]);

    await calls.remove(owner, created.id, updated.etag);
    expect((await grpcError(calls.get(owner, created.id))).code).toBe(Status.NOT_FOUND);
    expect((await calls.list(owner, { search: "final" })).interactions).toEqual([]);
    const deleted = await published.next((e) => e.subject === "crm.interactions.interaction.deleted" && eventsV1.InteractionDeleted.decode(e.payload).interactionId === created.id);
    expect(eventsV1.InteractionDeleted.decode(deleted.payload)).toMatchObject({ version: 3, reason: "deleted" });
    const stub = await harness.service.models.interaction.findOne({ tenantId: owner.tenantId, _id: created.id }).lean();
    expect(stub).toMatchObject({ state: "deleted", subject: "", body: "", searchTokens: [], refs: [] });
  });
});
