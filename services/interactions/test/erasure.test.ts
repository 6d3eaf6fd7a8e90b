import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7, type Identity } from "@crm/kit";
import { eventsV1, interactionsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { api, FakeProducer, grpcError, note, startTestService, tenant, timelineWhen, waitFor, type TestService } from "./support";

// Waits on consumers that lag under a full run: four minutes a test (support.ts, timelineWhen).
jest.setTimeout(240_000);

// The test plays the consent service (erasure requests) and the contacts service (a merge, a
// contact created), and reads what the interactions service confirms.
let harness: TestService;
let calls: ReturnType<typeof api>;
let producer: FakeProducer;
let completions: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("erasure");
  calls = api(harness);
  producer = await FakeProducer.connect();
  completions = await EventWatcher.start("crm.interactions.subject.erasure_completed");
});
afterAll(async () => {
  await completions?.stop();
  await producer?.close();
  await harness?.stop();
});

const ago = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
const requestErasure = (t: Identity, requestId: string, request: Partial<eventsV1.SubjectErasureRequested>) =>
  producer.publish("crm.consent.subject.erasure_requested", eventsV1.SubjectErasureRequested, t.tenantId, { requestId, ...request });
/**
 * What this deployment did for a request: its receipt, once done, and the confirmations it
 * published with the receipt's counts. (Other deployments of this service on the same NATS, the
 * other test files', answer every request too, with counts of their own.)
 */
async function confirmationsOf(requestId: string, count = 1) {
  const receipt = await waitFor(async () => {
    const found = await harness.service.runtime.mongo.collection("erasures").findOne({ requestId, status: "done" });
    return found ?? undefined;
  });
  const counts = { erased: String(receipt.erased), anonymised: String(receipt.anonymised) };
  const confirmations = await waitFor(async () => {
    const found = completions
      .seen((e) => eventsV1.SubjectErasureCompleted.decode(e.payload).requestId === requestId)
      .map((e) => eventsV1.SubjectErasureCompleted.decode(e.payload))
      .filter((c) => c.erased === counts.erased && c.anonymised === counts.anonymised);
    return found.length >= count ? found : undefined;
  });
  return { counts, confirmations };
}
const stored = (t: Identity, id: string) => harness.service.models.interaction.findOne({ tenantId: t.tenantId, _id: id }).lean();
const contact = (id: string) => ({ type: "contact", id });

describe("erasure", () => {
  it("erases what concerns only the subject, takes it out of what it shares, drops its timeline for good, and confirms with counts", async () => {
    const t = tenant("erasure");
    const [eve, eveCopy, bob] = [uuidv7(), uuidv7(), uuidv7()];
    await producer.publish("crm.contacts.contact.merged", eventsV1.ContactMerged, t.tenantId, { survivorId: eve, mergedId: eveCopy, mergeId: uuidv7() }, { occurredAt: ago(9) });
    const created = await producer.publish("crm.contacts.contact.created", eventsV1.ContactCreated, t.tenantId, { contactId: eve, displayName: "Eve Example" }, { occurredAt: ago(10) });
    const own = await calls.log(t, note([eve], { occurTime: ago(8), body: "Eve likes green tea" }));
    const copy = await calls.log(t, note([eveCopy], { occurTime: ago(7), subject: "From the duplicate record" }));
    const meeting = await calls.log(t, {
      contactIds: [eve, bob],
      occurTime: ago(6),
      subject: "Kick-off with Eve Example",
      body: "Eve asked to be called on +44 20 7946 0958; Bob takes notes.",
      details: { $case: "meeting", meeting: { attendees: [{ contactId: eve, name: "Eve Example", email: "eve@example.com" }, { contactId: bob, name: "Bob", email: "" }], location: "", meetingUrl: "" } },
    });
    const mention = await calls.log(t, note([bob], { occurTime: ago(5), body: "Forwarded the deck to EVE@example.com" }));
    const unrelated = await calls.log(t, note([bob], { occurTime: ago(4), body: "Bob on holiday" }));
    const task = await calls.createTask(t, { title: "Send Eve Example the contract", dueTime: ago(-3), links: [contact(eve), contact(bob)] });
    await timelineWhen(() => calls.timeline(t, contact(eve)), (entries) => entries.length === 5);

    const requestId = uuidv7();
    await requestErasure(t, requestId, { contactId: eve, emails: ["eve@example.com"], phones: ["+442079460958"] });
    const { counts, confirmations } = await confirmationsOf(requestId);
    // Erased: two interactions and five timeline entries (three interactions, the contact's creation, the merge).
    expect(counts).toEqual({ erased: "7", anonymised: "3" });
    expect(confirmations[0]).toMatchObject({ service: "interactions", meta: { tenantId: t.tenantId } });

    for (const id of [own.id, copy.id]) {
      expect((await grpcError(calls.get(t, id))).code).toBe(Status.NOT_FOUND);
      expect(await stored(t, id)).toMatchObject({ state: "erased", subject: "", body: "", contactIds: [], refs: [], searchTokens: [] });
    }
    const shared = await calls.get(t, meeting.id);
    expect(shared).toMatchObject({ contactIds: [bob], subject: "Kick-off with [erased]", body: "[erased] asked to be called on [erased]; Bob takes notes." });
    expect(shared.details).toEqual({ $case: "meeting", meeting: expect.objectContaining({ attendees: [{ contactId: bob, name: "Bob", email: "" }] }) });
    expect((await calls.get(t, mention.id)).body).toBe("Forwarded the deck to [erased]");
    expect(await calls.get(t, unrelated.id)).toEqual(unrelated);
    const [anonymisedTask] = (await calls.listTasks(t, {})).tasks;
    expect(anonymisedTask).toMatchObject({ id: task.id, title: "Send [erased] the contract", links: [contact(bob)] });
    expect((await calls.list(t, { search: "eve" })).interactions).toEqual([]);

    // Bob's timeline keeps the meeting, as it now reads; the subject's timeline is empty.
    const bobs = await timelineWhen(() => calls.timeline(t, contact(bob)), (entries) => entries.some((e) => e.summary === "Meeting with 1 attendee: Kick-off with [erased]"));
    expect(bobs.map((e) => e.about?.id)).toEqual([unrelated.id, mention.id, meeting.id]);
    expect((await calls.timeline(t, contact(eve))).entries).toEqual([]);

    // A replay of the subject's old events brings nothing back, and nothing new can be linked to it.
    await producer.publish("crm.contacts.contact.created", eventsV1.ContactCreated, t.tenantId, { contactId: eve, displayName: "Eve Example" }, { eventId: created, occurredAt: ago(10), messageId: uuidv7() });
    await producer.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, t.tenantId, { interactionId: own.id, kind: "note", contactIds: [eve], occurTime: ago(8), summary: "Note", version: 1 });
    const refused = await grpcError(calls.log(t, note([eve])));
    expect(fieldViolationsOf(refused)).toEqual([{ field: "interaction.contactIds[0]", description: "names a contact that was erased" }]);
    await calls.log(t, note([bob], { occurTime: ago(1), subject: "Marker after the replay" }));
    await timelineWhen(() => calls.timeline(t, contact(bob)), (entries) => entries.length === 4);
    expect((await calls.timeline(t, contact(eve))).entries).toEqual([]);
    expect(await harness.service.models.timelineEntry.countDocuments({ tenantId: t.tenantId, "links.id": { $in: [eve, eveCopy] } })).toBe(0);
  });

  it("re-confirms a repeated request from its receipt without erasing again", async () => {
    const t = tenant("again");
    const subject = uuidv7();
    const logged = await calls.log(t, note([subject]));
    await timelineWhen(() => calls.timeline(t, contact(subject)), (entries) => entries.length === 1);
    const requestId = uuidv7();
    await requestErasure(t, requestId, { contactId: subject });
    await confirmationsOf(requestId);
    const erased = await stored(t, logged.id);
    await requestErasure(t, requestId, { contactId: subject });
    const { counts, confirmations } = await confirmationsOf(requestId, 2);
    // The interaction and its timeline entry, confirmed twice, erased once.
    expect(counts).toEqual({ erased: "2", anonymised: "0" });
    expect(confirmations).toHaveLength(2);
    expect((await stored(t, logged.id))?.version).toBe(erased?.version);
  });

  it("erases the interactions of a contact record the contacts service reports erased", async () => {
    const t = tenant("record");
    const [erased, kept] = [uuidv7(), uuidv7()];
    const gone = await calls.log(t, note([erased], { subject: "About the erased record" }));
    const stays = await calls.log(t, note([kept]));
    await producer.publish("crm.contacts.contact.erased", eventsV1.ContactErased, t.tenantId, { contactId: erased, requestId: uuidv7() });
    await waitFor(async () => ((await stored(t, gone.id))?.state === "erased" ? true : undefined));
    expect((await calls.get(t, stays.id)).id).toBe(stays.id);
    expect((await calls.list(t, {})).interactions.map((i: interactionsV1.Interaction) => i.id)).toEqual([stays.id]);
  });
});
