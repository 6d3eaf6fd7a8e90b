import { uuidv7, type Identity } from "@crm/kit";
import { commonV1, eventsV1, interactionsV1 } from "@crm/proto";
import { api, FakeProducer, note, startTestService, tenant, timelineWhen, waitFor, type TestService } from "./support";

// Timelines built from this service's own records and from events of the other services' types
// (here the contacts service's, from its proto), published as that service would publish them.
// Several waits on consumers per test: four minutes each (support.ts, timelineWhen).
jest.setTimeout(240_000);
let harness: TestService;
let calls: ReturnType<typeof api>;
let contacts: FakeProducer;
const startedAt = new Date();

beforeAll(async () => {
  harness = await startTestService("timeline");
  calls = api(harness);
  contacts = await FakeProducer.connect();
});
afterAll(async () => {
  await contacts?.close();
  await harness?.stop();
});

/** Day n of the last hundred days: in the past, so that each counts as having happened. */
const day = (n: number) => new Date(startedAt.getTime() - (100 - n) * 24 * 3600 * 1000);
const contact = (id: string) => ({ type: "contact", id });
const kinds = (entries: interactionsV1.TimelineEntry[]) => entries.map((entry) => entry.kind);
const summaries = (entries: interactionsV1.TimelineEntry[]) => entries.map((entry) => entry.summary);
const condition = (field: string, comparator: commonV1.Comparator, ...values: string[]) => ({ node: { $case: "condition" as const, condition: { field, comparator, values } } });
const timelineOf = (t: Identity, record: { type: string; id: string }, count: number) =>
  timelineWhen(() => calls.timeline(t, record), (entries) => entries.length >= count);

function contactCreated(t: Identity, contactId: string, occurredAt: Date, organizationIds: string[] = [], eventId?: string, messageId?: string) {
  return contacts.publish("crm.contacts.contact.created", eventsV1.ContactCreated, t.tenantId, { contactId, displayName: "Ada Lovelace", relationshipType: "customer", organizationIds }, { occurredAt, ...(eventId ? { eventId } : {}), ...(messageId ? { messageId } : {}) });
}

describe("timeline", () => {
  it("gathers a contact's interactions and what other services reported, in order of occurrence, filtered and cursor paged", async () => {
    const t = tenant("feed");
    const [ada, acme] = [uuidv7(), uuidv7()];
    await contacts.publish("crm.contacts.organization.created", eventsV1.OrganizationChanged, t.tenantId, { organizationId: acme, name: "Acme" }, { occurredAt: day(1) });
    await contactCreated(t, ada, day(2), [acme]);
    // Logged in the opposite order of occurrence: the later one first.
    await calls.log(t, note([ada], { occurTime: day(5), subject: "Follow-up" }));
    await calls.log(t, { contactIds: [ada], organizationId: acme, occurTime: day(3), subject: "Intro", details: { $case: "call", call: { direction: "inbound", durationSeconds: 60, outcome: "connected", recordingUrl: "" } } });

    const feed = await timelineOf(t, contact(ada), 3);
    expect(kinds(feed)).toEqual(["note", "call", "contact.created"]);
    expect(summaries(feed)).toEqual(["Note: Follow-up", "Inbound call, 1 min, connected: Intro", "Contact created: Ada Lovelace"]);
    expect(feed[2]).toMatchObject({ source: "contacts", occurTime: day(2), about: contact(ada) });
    expect(feed[1]).toMatchObject({ source: "interactions", about: { type: "interaction" } });
    expect(kinds(await timelineOf(t, { type: "organization", id: acme }, 3))).toEqual(["call", "contact.created", "organization.created"]);

    const { Comparator } = commonV1;
    expect(kinds((await calls.timeline(t, contact(ada), { filter: condition("kind", Comparator.COMPARATOR_IN, "call", "note") })).entries)).toEqual(["note", "call"]);
    expect(kinds((await calls.timeline(t, contact(ada), { filter: condition("occurredAt", Comparator.COMPARATOR_LT, day(4).toISOString()) })).entries)).toEqual(["call", "contact.created"]);
    const page = (pageToken: string) => calls.timeline(t, contact(ada), { page: { pageSize: 2, pageToken, direction: 0 } });
    const first = await page("");
    const second = await page(first.pageInfo!.endCursor);
    expect([kinds(first.entries), kinds(second.entries), second.pageInfo?.hasNextPage]).toEqual([["note", "call"], ["contact.created"], false]);
  });

  it("adds nothing for an event delivered again, whether de-duplicated by JetStream or republished under another message id", async () => {
    const t = tenant("redelivery");
    const ada = uuidv7();
    const eventId = uuidv7();
    await contactCreated(t, ada, day(2), [], eventId);
    await contactCreated(t, ada, day(2), [], eventId); // same Nats-Msg-Id: dropped by JetStream
    await contactCreated(t, ada, day(2), [], eventId, uuidv7()); // republished after the de-duplication window
    await calls.log(t, note([ada], { occurTime: day(3) })); // a marker that arrives after all three
    await timelineOf(t, contact(ada), 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kinds((await calls.timeline(t, contact(ada))).entries)).toEqual(["note", "contact.created"]);
  });

  it("keeps a record's entry at its newest version, whatever order its events arrive in, and drops a deleted record for good", async () => {
    const t = tenant("versions");
    const [ada, interactionId] = [uuidv7(), uuidv7()];
    const fields = { interactionId, kind: "meeting", contactIds: [ada], occurTime: day(7) };
    // The update arrives before the event it follows.
    await contacts.publish("crm.interactions.interaction.updated", eventsV1.InteractionUpdated, t.tenantId, { ...fields, summary: "Meeting: moved to Friday", version: 2 });
    await contacts.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, t.tenantId, { ...fields, summary: "Meeting: Thursday", version: 1 });
    const other = await calls.log(t, note([ada], { occurTime: day(1) }));
    const feed = await timelineOf(t, contact(ada), 2);
    expect(summaries(feed)).toEqual(["Meeting: moved to Friday", "Note"]);

    await calls.remove(t, other.id);
    await contacts.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, t.tenantId, { interactionId: other.id, kind: "note", contactIds: [ada], occurTime: day(1), summary: "Note", version: 1 });
    await timelineWhen(() => calls.timeline(t, contact(ada)), (entries) => entries.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(summaries((await calls.timeline(t, contact(ada))).entries)).toEqual(["Meeting: moved to Friday"]);
  });

  it("is rebuilt unchanged when a new consumer group replays the whole stream", async () => {
    const t = tenant("replay");
    const [ada, acme] = [uuidv7(), uuidv7()];
    await contactCreated(t, ada, day(2), [acme]);
    await calls.log(t, note([ada], { occurTime: day(4), subject: "One" }));
    const logged = await calls.log(t, note([ada], { occurTime: day(5), subject: "Two" }));
    await calls.update(t, { id: logged.id, updateMask: ["subject"], interaction: { subject: "Two, edited" } as never });
    const before = await timelineWhen(() => calls.timeline(t, contact(ada)), (entries) => summaries(entries).includes("Note: Two, edited"));
    const storedBefore = await harness.service.models.timelineEntry.find({ tenantId: t.tenantId }).sort({ _id: 1 }).lean();

    // A second deployment on the same database, reading every stream again from this file's start.
    const group = `replay_${uuidv7().slice(-8)}`;
    const replica = await startTestService("timeline", { replicaOf: harness.database, env: { CONSUMER_GROUP: group, CONSUMER_START: startedAt.toISOString() } });
    try {
      for (const stream of ["CRM_CONTACTS", "CRM_INTERACTIONS"]) {
        const source = stream.slice(4).toLowerCase();
        await waitFor(async () => {
          const info = await replica.service.runtime.bus.jsm.consumers.info(stream, `${group}-timeline-${source}`);
          return info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0 ? true : undefined;
        }, 20_000);
      }
    } finally {
      await replica.stop();
    }
    expect(await calls.timeline(t, contact(ada))).toMatchObject({ entries: before });
    expect(await harness.service.models.timelineEntry.find({ tenantId: t.tenantId }).sort({ _id: 1 }).lean()).toEqual(storedBefore);
  });

  it("follows a merge: the merged contact's timeline joins the survivor's without duplicates, later events about it too, and an undo splits them again", async () => {
    const t = tenant("merge");
    const [survivor, merged, other] = [uuidv7(), uuidv7(), uuidv7()];
    await calls.log(t, note([survivor], { occurTime: day(1), subject: "Survivor's" }));
    await calls.log(t, note([merged], { occurTime: day(2), subject: "Merged's" }));
    await calls.log(t, note([survivor, merged, other], { occurTime: day(3), subject: "Both" }));
    await timelineOf(t, contact(merged), 2);
    const mergeId = uuidv7();
    await contacts.publish("crm.contacts.contact.merged", eventsV1.ContactMerged, t.tenantId, { survivorId: survivor, mergedId: merged, mergeId }, { occurredAt: day(4) });

    const joined = await timelineWhen(() => calls.timeline(t, contact(survivor)), (entries) => entries.length === 4);
    expect(summaries(joined)).toEqual(["A duplicate contact was merged into this one", "Note: Both", "Note: Merged's", "Note: Survivor's"]);
    expect((await calls.timeline(t, contact(merged))).entries).toEqual([]);
    // What arrives about the merged contact after the merge lands on the survivor's timeline.
    const late = await calls.log(t, note([merged], { occurTime: day(5), subject: "Late" }));
    expect(late.contactIds).toEqual([survivor]);
    await timelineWhen(() => calls.timeline(t, contact(survivor)), (entries) => summaries(entries).includes("Note: Late"));
    const [engagement] = await calls.engagement(t, [survivor]);
    expect(engagement?.lastInteraction?.summary).toBe("Note: Late");

    await contacts.publish("crm.contacts.contact.merge_undone", eventsV1.ContactMergeUndone, t.tenantId, { survivorId: survivor, restoredId: merged, mergeId }, { occurredAt: day(6) });
    const restored = await timelineWhen(() => calls.timeline(t, contact(merged)), (entries) => entries.length === 5);
    expect(summaries(restored)).toEqual(["A merge was undone: the duplicate contact is a contact of its own again", "Note: Late", "A duplicate contact was merged into this one", "Note: Both", "Note: Merged's"]);
    expect(summaries((await calls.timeline(t, contact(survivor))).entries)).not.toContain("Note: Merged's");
    // A merge event delivered late (older than the undo) changes nothing.
    await contacts.publish("crm.contacts.contact.merged", eventsV1.ContactMerged, t.tenantId, { survivorId: survivor, mergedId: merged, mergeId }, { occurredAt: day(4), messageId: uuidv7() });
    await calls.log(t, note([other], { occurTime: day(7) }));
    await timelineOf(t, contact(other), 2);
    expect((await calls.get(t, late.id)).contactIds).toEqual([merged]);
  });

  it("counts a contact's interactions by kind over 30, 90 and 365 days, with its last one", async () => {
    const t = tenant("engagement");
    const [ada, quiet] = [uuidv7(), uuidv7()];
    const ago = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
    await calls.log(t, note([ada], { occurTime: ago(2), subject: "Latest" }));
    await calls.log(t, { contactIds: [ada], occurTime: ago(45), details: { $case: "call", call: { direction: "outbound", durationSeconds: 0, outcome: "no_answer", recordingUrl: "" } } });
    await calls.log(t, note([ada], { occurTime: ago(200) }));
    await calls.log(t, note([ada], { occurTime: ago(-5), subject: "Planned" }));
    await calls.log(t, note([quiet], { occurTime: ago(500), subject: "Long ago" }));
    const [busy, silent] = await calls.engagement(t, [ada, quiet]);
    expect(busy?.windows).toEqual([
      { days: 30, counts: { note: 1 }, total: 1 },
      { days: 90, counts: { note: 1, call: 1 }, total: 2 },
      { days: 365, counts: { note: 2, call: 1 }, total: 3 },
    ]);
    expect(busy?.lastInteraction).toMatchObject({ kind: "note", summary: "Note: Latest" });
    expect(silent).toMatchObject({ contactId: quiet, lastInteraction: { summary: "Note: Long ago" }, windows: [{ total: 0 }, { total: 0 }, { total: 0 }] });
  });
});
