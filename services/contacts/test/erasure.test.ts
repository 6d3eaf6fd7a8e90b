import { status as Status } from "@grpc/grpc-js";
import { callUnary, connectRedis, createLogger, EventBus, RedisIdempotencyStore, uuidv7, type Identity } from "@crm/kit";
import { contactsV1, eventsV1 } from "@crm/proto";
import { testInfra, uniqueName } from "@crm/testing";
import { as, contactInput, emails, grpcError, phones, startTestService, tenant, waitFor } from "./support";

// The test plays the consent service: it publishes erasure requests and listens for completions.
let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
let consent: EventBus;
let redis: ReturnType<typeof connectRedis>;
const completions: eventsV1.SubjectErasureCompleted[] = [];
const erased: eventsV1.ContactErased[] = [];
const durable = uniqueName("consent_test");

beforeAll(async () => {
  harness = await startTestService("erasure");
  client = harness.client;
  consent = await EventBus.connect(testInfra().natsUrl, "consent-test", createLogger("test", "silent"));
  await consent.ensureStream("CRM_CONSENT", ["crm.consent.>"]);
  redis = connectRedis(testInfra().redisUrl, uniqueName("consent"));
  await consent.consume({
    stream: "CRM_CONTACTS", durable, startAt: "new", filterSubjects: ["crm.contacts.subject.erasure_completed", "crm.contacts.contact.erased"],
    idempotency: new RedisIdempotencyStore(redis),
    handler: async (event) => {
      if (event.subject.endsWith(".erased")) erased.push(eventsV1.ContactErased.decode(event.payload));
      else completions.push(eventsV1.SubjectErasureCompleted.decode(event.payload));
    },
  });
});
afterAll(async () => {
  await consent.jsm.consumers.delete("CRM_CONTACTS", durable);
  await consent.close();
  redis.disconnect();
  await harness.stop();
});

const requestIdFor = (name: string) => uniqueName(name);
const create = async (identity: Identity, contact: Partial<contactsV1.ContactInput>) =>
  (await callUnary(client.createContact.bind(client), { contact: contactInput(contact), requestId: "", allowDuplicates: true }, await as(identity))).contact!;
const get = async (identity: Identity, id: string) => (await callUnary(client.getContact.bind(client), { id }, await as(identity))).contact!;

async function requestErasure(identity: Identity, requestId: string, request: Partial<eventsV1.SubjectErasureRequested>, eventId = uuidv7()) {
  const payload = eventsV1.SubjectErasureRequested.encode(
    eventsV1.SubjectErasureRequested.fromPartial({ meta: { eventId, tenantId: identity.tenantId, occurTime: new Date(), actor: "service:consent" }, requestId, ...request }),
  ).finish();
  await consent.publish({ subject: "crm.consent.subject.erasure_requested", type: "crm.events.v1.SubjectErasureRequested", tenantId: identity.tenantId, eventId, payload });
}
/**
 * Completions of a request that found the subject. Other contacts deployments on the same NATS
 * (the other test files' services) answer every request too, with zero counts for tenants they
 * do not hold; request ids are unique per run, so a stream's history cannot answer either.
 */
const completionsOf = (requestId: string, nth = 1) => waitFor(async () => {
  const found = completions.filter((c) => c.requestId === requestId && c.anonymised !== "0");
  return found.length >= nth ? found : undefined;
});

describe("erasure", () => {
  it("anonymises the subject's records, found by id and by e-mail, drops cached copies, and confirms with counts", async () => {
    const t = tenant("erasure");
    const subject = await create(t, { givenName: "Eve", familyName: "Example", emails: emails("eve@example.com"), phones: phones("+48 601 234 567"), tags: ["vip"], birthday: "1990-01-02" });
    const sameEmail = await create(t, { givenName: "E.", familyName: "Example", emails: emails("eve@example.com") });
    const bystander = await create(t, { givenName: "Bob", familyName: "Bystander", emails: emails("bob@example.com") });
    await get(t, subject.id); // cached
    const req1 = requestIdFor("req1");
    await requestErasure(t, req1, { contactId: subject.id, emails: ["EVE@example.com"], phones: [] });

    const [completion] = await completionsOf(req1);
    expect(completion).toMatchObject({ service: "contacts", anonymised: "2", meta: { tenantId: t.tenantId } });
    for (const id of [subject.id, sameEmail.id]) {
      expect((await grpcError(get(t, id))).code).toBe(Status.NOT_FOUND);
      const stored = await harness.service.models.contact.findOne({ tenantId: t.tenantId, _id: id }).lean();
      expect(stored).toMatchObject({ state: "erased", givenName: "", familyName: "", displayName: "Erased contact", emails: [], phones: [], birthday: "", tags: [], searchTokens: [], matchKeys: [] });
    }
    expect((await get(t, bystander.id)).givenName).toBe("Bob");
    // Other services learn which records went, to drop their own copies.
    const announced = await waitFor(async () => {
      const ids = erased.filter((e) => e.requestId === req1).map((e) => e.contactId).sort();
      return ids.length === 2 ? ids : undefined;
    });
    expect(announced).toEqual([subject.id, sameEmail.id].sort());
    // Nothing is left that finds the subject: no search hit, no duplicate candidate.
    const { contacts } = await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({ search: "eve" }), await as(t));
    expect(contacts).toEqual([]);
    const fresh = await create(t, { givenName: "Someone", emails: emails("eve@example.com") });
    expect(fresh.id).toBeDefined();
  });

  it("re-confirms a repeated request without erasing twice, and ignores a redelivered event", async () => {
    const t = tenant("erasure_again");
    const subject = await create(t, { givenName: "Rita", familyName: "Repeat" });
    const eventId = uuidv7();
    const req2 = requestIdFor("req2");
    await requestErasure(t, req2, { contactId: subject.id }, eventId);
    await completionsOf(req2);
    const afterFirst = await harness.service.models.contact.findOne({ tenantId: t.tenantId, _id: subject.id }).lean();
    await requestErasure(t, req2, { contactId: subject.id }, eventId); // the same event again: de-duplicated
    await requestErasure(t, req2, { contactId: subject.id }); // the same request again: re-confirmed
    const both = await completionsOf(req2, 2);
    expect(both.map((c) => c.anonymised)).toEqual(["1", "1"]);
    const afterSecond = await harness.service.models.contact.findOne({ tenantId: t.tenantId, _id: subject.id }).lean();
    expect(afterSecond?.version).toBe(afterFirst?.version);
    await new Promise((r) => setTimeout(r, 500));
    expect(completions.filter((c) => c.requestId === req2 && c.anonymised !== "0")).toHaveLength(2);
  });

  it("scrubs merge audits that hold the subject's old data", async () => {
    const t = tenant("erasure_merge");
    const a = await create(t, { givenName: "Mia", familyName: "Merged", emails: emails("mia@a.example") });
    const b = await create(t, { givenName: "Mia", familyName: "Merged", emails: emails("mia@b.example") });
    const { mergeId } = await callUnary(client.mergeContacts.bind(client), contactsV1.MergeContactsRequest.fromPartial({ survivorId: a.id, mergedId: b.id }), await as(t));
    const req3 = requestIdFor("req3");
    await requestErasure(t, req3, { contactId: a.id });
    const [completion] = await completionsOf(req3);
    expect(completion).toMatchObject({ anonymised: "2", erased: "1" });
    const audit = await harness.service.models.merge.findOne({ tenantId: t.tenantId, _id: mergeId }).lean();
    expect(audit).toMatchObject({ survivorBefore: {}, mergedBefore: {} });
  });
});
