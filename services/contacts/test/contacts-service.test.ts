import { status as Status } from "@grpc/grpc-js";
import { callUnary, connectRedis, createLogger, EventBus, fieldViolationsOf, identityKey, RedisIdempotencyStore, signIdentity, type Identity } from "@crm/kit";
import { commonV1, contactsV1, eventsV1 } from "@crm/proto";
import { testInfra, uniqueName } from "@crm/testing";
import { as, contactInput, emails, grpcError, phones, startTestService, tenant } from "./support";

let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
const tenantA = tenant("tenant_a");
const tenantB = tenant("tenant_b");

beforeAll(async () => {
  harness = await startTestService("contacts");
  client = harness.client;
});
afterAll(() => harness.stop());

const create = async (identity: Identity, contact: Partial<contactsV1.ContactInput>, requestId = "", allowDuplicates = false) =>
  (await callUnary(client.createContact.bind(client), { contact: contactInput(contact), requestId, allowDuplicates }, await as(identity))).contact!;
const get = async (identity: Identity, id: string) => (await callUnary(client.getContact.bind(client), { id }, await as(identity))).contact!;
const update = async (identity: Identity, request: Partial<contactsV1.UpdateContactRequest>) =>
  (await callUnary(client.updateContact.bind(client), contactsV1.UpdateContactRequest.fromPartial(request), await as(identity))).contact!;
const list = async (identity: Identity, request: Partial<contactsV1.ListContactsRequest>) =>
  callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial(request), await as(identity));
const countFor = async (identity: Identity) => harness.service.models.contact.countDocuments({ tenantId: identity.tenantId });

describe("ContactsService over gRPC", () => {
  it("stores a standardised person and reads it back", async () => {
    const created = await create(tenantA, {
      givenName: " GRACE ",
      familyName: "hopper",
      emails: emails(" Grace@Navy.MIL "),
      phones: [{ number: "020 7946 0958", type: "work", primary: false }],
      addresses: [{ type: "work", lines: [" 1  Main St "], city: "london", region: "", postalCode: "sw1a 1aa", country: "gb" }],
      language: "en-GB",
      timeZone: "Europe/London",
      birthday: "1906-12-09",
      relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_CUSTOMER,
      tags: ["VIP", " vip "],
    });
    expect(created).toMatchObject({
      givenName: "Grace",
      familyName: "Hopper",
      displayName: "Grace Hopper",
      emails: [{ address: "grace@navy.mil", type: "work", primary: true }],
      // No country code: the address's country is the default region.
      phones: [{ number: "+442079460958", type: "work", primary: true }],
      addresses: [{ lines: ["1 Main St"], city: "London", postalCode: "SW1A 1AA", country: "GB" }],
      tags: ["vip"],
      createdBy: tenantA.subject,
      etag: 'W/"1"',
    });
    expect(await get(tenantA, created.id)).toEqual(created);
  });

  it("answers INVALID_ARGUMENT with every field violation, and stores nothing", async () => {
    const before = await countFor(tenantA);
    const error = await grpcError(create(tenantA, { givenName: "X", emails: emails("nope"), phones: phones("+1 555"), birthday: "1990-02-30", timeZone: "Mars/Base" }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(error).map((v) => v.field)).toEqual([
      "contact.emails[0].address",
      "contact.phones[0].number",
      "contact.timeZone",
      "contact.birthday",
    ]);
    expect(await countFor(tenantA)).toBe(before);
  });

  it("hides one tenant's contacts from another (NOT_FOUND, not PERMISSION_DENIED)", async () => {
    const created = await create(tenantA, { givenName: "Private", familyName: "Person" });
    expect((await grpcError(get(tenantB, created.id))).code).toBe(Status.NOT_FOUND);
    const updateError = await grpcError(update(tenantB, { id: created.id, contact: contactInput({ givenName: "Stolen" }), updateMask: ["given_name"] }));
    expect(updateError.code).toBe(Status.NOT_FOUND);
    const { contacts } = await list(tenantB, {});
    expect(contacts.map((c) => c.id)).not.toContain(created.id);
    expect((await get(tenantA, created.id)).givenName).toBe("Private");
  });

  it("refuses calls without a gateway-signed identity", async () => {
    const forged = await signIdentity(tenantA, identityKey("a-different-key-of-sufficient-length-0000"));
    const error = await grpcError(callUnary(client.getContact.bind(client), { id: "x" }, { identityToken: forged, timeoutMs: 2_000, retry: false }));
    expect(error.code).toBe(Status.UNAUTHENTICATED);
  });

  it("returns the first result when a create is retried with the same request id", async () => {
    const first = await create(tenantA, { givenName: "Once", emails: emails("once@example.com") }, "req-1");
    const again = await create(tenantA, { givenName: "Once", emails: emails("once@example.com") }, "req-1");
    expect(again.id).toBe(first.id);
    const { contacts } = await list(tenantA, { search: "once@example.com" });
    expect(contacts).toHaveLength(1);
  });

  it("updates the masked fields only, checks the etag, and refreshes the cached copy", async () => {
    const created = await create(tenantA, { givenName: "Ada", familyName: "Byron", title: "Analyst", emails: emails("ada.byron@example.com") });
    await get(tenantA, created.id); // now cached
    const updated = await update(tenantA, { id: created.id, contact: contactInput({ familyName: "lovelace", title: "ignored" }), updateMask: ["family_name"], etag: created.etag });
    expect(updated).toMatchObject({ givenName: "Ada", familyName: "Lovelace", title: "Analyst", etag: 'W/"2"' });
    expect(await get(tenantA, created.id)).toMatchObject({ familyName: "Lovelace", etag: 'W/"2"' });

    const stale = await grpcError(update(tenantA, { id: created.id, contact: contactInput({ title: "CTO" }), updateMask: ["title"], etag: created.etag }));
    expect(stale.code).toBe(Status.FAILED_PRECONDITION);
    const unknown = await grpcError(update(tenantA, { id: created.id, contact: contactInput(), updateMask: ["shoe_size"] }));
    expect(fieldViolationsOf(unknown)[0]?.field).toBe("updateMask");
    expect((await get(tenantA, created.id)).title).toBe("Analyst");
  });

  it("deletes a contact: it disappears from reads, lists and the cache", async () => {
    const created = await create(tenantA, { givenName: "Temporary", familyName: "Entry" });
    await get(tenantA, created.id);
    await callUnary(client.deleteContact.bind(client), { id: created.id, etag: created.etag }, await as(tenantA));
    expect((await grpcError(get(tenantA, created.id))).code).toBe(Status.NOT_FOUND);
    expect((await list(tenantA, { search: "temporary" })).contacts).toHaveLength(0);
  });

  it("pages through a filtered list with cursors while rows are inserted, without repeats or gaps", async () => {
    const paging = tenant("paging");
    for (let i = 0; i < 7; i++) await create(paging, { familyName: `Family${i}`, tags: ["batch"] });
    await create(paging, { familyName: "Other", tags: ["other"] });
    const filter: commonV1.Filter = { node: { $case: "condition", condition: { field: "tags", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["batch"] } } };
    const orderBy = [{ field: "familyName", descending: false }];
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const { contacts, pageInfo } = await list(paging, { filter, orderBy, page: { pageSize: 3, pageToken: token, direction: 1 } });
      seen.push(...contacts.map((c) => c.familyName));
      token = pageInfo!.nextPageToken;
      // Rows that sort before and after the cursor appear meanwhile: the pages neither repeat nor skip.
      if (pages++ === 0) {
        await create(paging, { familyName: "Aardvark", tags: ["batch"] });
        await create(paging, { familyName: "Family3b", tags: ["batch"] });
      }
    } while (token);
    expect(seen).toEqual(["Family0", "Family1", "Family2", "Family3", "Family3b", "Family4", "Family5", "Family6"]);

    const { contacts: firstPage, pageInfo } = await list(paging, { filter, orderBy, page: { pageSize: 3, pageToken: "", direction: 1 } });
    expect(pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const previous = await list(paging, { filter, orderBy, page: { pageSize: 3, pageToken: pageInfo!.endCursor, direction: 2 } });
    expect(previous.contacts.map((c) => c.familyName)).toEqual(firstPage.slice(0, 2).map((c) => c.familyName));
  });

  it("rejects bad list input with the offending field", async () => {
    const bad = async (request: Partial<contactsV1.ListContactsRequest>) => fieldViolationsOf(await grpcError(list(tenantA, request)))[0]?.field;
    expect(await bad({ orderBy: [{ field: "email", descending: false }] })).toBe("orderBy");
    expect(await bad({ page: { pageSize: 500, pageToken: "", direction: 0 } })).toBe("limit");
    expect(await bad({ page: { pageSize: 5, pageToken: "garbage!", direction: 0 } })).toBe("cursor");
    const injected = Buffer.from(JSON.stringify({ f: "createdAt", d: -1, v: { $ne: null }, id: "x" })).toString("base64url");
    expect(await bad({ page: { pageSize: 5, pageToken: injected, direction: 0 } })).toBe("cursor");
    expect(await bad({ search: "a" })).toBe("search");
  });

  it("publishes contact.created and contact.updated through the outbox", async () => {
    const infra = testInfra();
    const bus = await EventBus.connect(infra.natsUrl, "contacts-test", createLogger("test", "silent"));
    const redis = connectRedis(infra.redisUrl, uniqueName("consumer"));
    const events = tenant("events");
    const received: Array<{ subject: string; payload: Uint8Array }> = [];
    const durable = uniqueName("contacts_test");
    await bus.consume({
      stream: "CRM_CONTACTS",
      durable,
      filterSubjects: ["crm.contacts.contact.created", "crm.contacts.contact.updated"],
      startAt: "new",
      idempotency: new RedisIdempotencyStore(redis),
      handler: async (event) => {
        if (event.tenantId === events.tenantId) received.push(event);
      },
    });
    const created = await create(events, { givenName: "Evented", relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_PARTNER });
    await update(events, { id: created.id, contact: contactInput({ ownerId: "owner-7" }), updateMask: ["owner_id"] });
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await bus.jsm.consumers.delete("CRM_CONTACTS", durable);
    await bus.close();
    redis.disconnect();
    expect(received.map((e) => e.subject)).toEqual(["crm.contacts.contact.created", "crm.contacts.contact.updated"]);
    expect(eventsV1.ContactCreated.decode(received[0]!.payload)).toMatchObject({ contactId: created.id, displayName: "Evented", relationshipType: "partner", meta: { tenantId: events.tenantId, actor: events.subject } });
    expect(eventsV1.ContactUpdated.decode(received[1]!.payload)).toMatchObject({ contactId: created.id, changedFields: ["ownerId"], ownerId: "owner-7" });
    const stored = await harness.service.models.contact.findOne({ tenantId: events.tenantId, _id: created.id }).lean();
    expect(stored?.outbox).toEqual([]);
  });
});
