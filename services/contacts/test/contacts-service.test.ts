import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { callUnary, createGrpcClient, EventBus, fieldViolationsOf, identityKey, RedisIdempotencyStore, signIdentity, type Identity, createLogger, connectRedis } from "@crm/kit";
import { commonV1, contactsV1, eventsV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, testInfra, uniqueName } from "@crm/testing";
import { startContacts } from "../src/app";
import { contactsConfigSchema } from "../src/config";

// The whole service in-process on port 0, against the real FerretDB, NATS and Redis.
let service: Awaited<ReturnType<typeof startContacts>>;
let client: contactsV1.ContactsServiceClient;
const key = identityKey(TEST_IDENTITY_KEY);
const tenantA: Identity = { subject: "u1", tenantId: uniqueName("tenant_a"), roles: ["admin"], scopes: [] };
const tenantB: Identity = { subject: "u2", tenantId: uniqueName("tenant_b"), roles: ["admin"], scopes: [] };
const database = uniqueName("contacts");

beforeAll(async () => {
  const infra = testInfra();
  const config = contactsConfigSchema.parse({
    GRPC_PORT: "0",
    OPS_PORT: "0",
    MONGODB_URL: infra.mongodbUrl,
    MONGODB_DATABASE: database,
    NATS_URL: infra.natsUrl,
    REDIS_URL: infra.redisUrl,
    REDIS_KEY_PREFIX: database,
    IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
    LOG_LEVEL: "silent",
  });
  service = await startContacts(config);
  client = createGrpcClient(contactsV1.ContactsServiceClient, `127.0.0.1:${service.ports.grpcPort}`);
});

afterAll(async () => {
  client.close();
  await service.runtime.mongo.dropDatabase();
  await service.runtime.close();
});

const as = async (identity: Identity) => ({ identityToken: await signIdentity(identity, key), timeoutMs: 5_000, retry: false });
const create = async (identity: Identity, contact: Partial<contactsV1.ContactInput>, requestId = "") =>
  (
    await callUnary(client.createContact.bind(client), {
      contact: { givenName: "", familyName: "", displayName: "", email: "", phone: "", title: "", relationshipType: 0, tags: [], country: "", ...contact },
      requestId,
    }, await as(identity))
  ).contact!;
const list = async (identity: Identity, request: Partial<contactsV1.ListContactsRequest>) =>
  callUnary(client.listContacts.bind(client), { orderBy: [], ...request }, await as(identity));
const countFor = async (identity: Identity) => service.models.contact.countDocuments({ tenantId: identity.tenantId });
const grpcError = async (promise: Promise<unknown>) => promise.then(() => { throw new Error("expected an error"); }, (e: ServiceError) => e);

describe("ContactsService over gRPC", () => {
  it("creates a normalised contact and reads it back", async () => {
    const created = await create(tenantA, { givenName: " Grace ", familyName: "Hopper", email: "Grace@Navy.MIL", relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_CUSTOMER });
    expect(created).toMatchObject({ givenName: "Grace", displayName: "Grace Hopper", email: "grace@navy.mil", relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_CUSTOMER });
    const { contact } = await callUnary(client.getContact.bind(client), { id: created.id }, await as(tenantA));
    expect(contact).toEqual(created);
  });

  it("answers INVALID_ARGUMENT with every field violation, and stores nothing", async () => {
    const before = await countFor(tenantA);
    const error = await grpcError(create(tenantA, { givenName: "X", email: "nope", phone: "123" }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(error).map((v) => v.field)).toEqual(["contact.email", "contact.phone"]);
    expect(await countFor(tenantA)).toBe(before);
  });

  it("hides one tenant's contacts from another (NOT_FOUND, not PERMISSION_DENIED)", async () => {
    const created = await create(tenantA, { givenName: "Private" });
    const error = await grpcError(callUnary(client.getContact.bind(client), { id: created.id }, await as(tenantB)));
    expect(error.code).toBe(Status.NOT_FOUND);
    const { contacts } = await list(tenantB, {});
    expect(contacts.map((c) => c.id)).not.toContain(created.id);
  });

  it("refuses calls without a gateway-signed identity", async () => {
    const forged = await signIdentity(tenantA, identityKey("a-different-key-of-sufficient-length-0000"));
    const error = await grpcError(callUnary(client.getContact.bind(client), { id: "x" }, { identityToken: forged, timeoutMs: 2_000, retry: false }));
    expect(error.code).toBe(Status.UNAUTHENTICATED);
  });

  it("returns the first result when a create is retried with the same request id", async () => {
    const first = await create(tenantA, { givenName: "Once" }, "req-1");
    const again = await create(tenantA, { givenName: "Once" }, "req-1");
    expect(again.id).toBe(first.id);
    expect(await service.models.contact.countDocuments({ tenantId: tenantA.tenantId, requestId: "req-1" })).toBe(1);
  });

  it("pages through a filtered list with cursors while rows are inserted, without repeats or gaps", async () => {
    const tenant: Identity = { ...tenantA, tenantId: uniqueName("paging") };
    for (let i = 0; i < 7; i++) await create(tenant, { familyName: `Family${i}`, tags: ["batch"] });
    await create(tenant, { familyName: "Other", tags: ["other"] });
    const filter: commonV1.Filter = { node: { $case: "condition", condition: { field: "tags", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["batch"] } } };
    const orderBy = [{ field: "familyName", descending: false }];
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const { contacts, pageInfo } = await list(tenant, { filter, orderBy, page: { pageSize: 3, pageToken: token, direction: 1 } });
      seen.push(...contacts.map((c) => c.familyName));
      token = pageInfo!.nextPageToken;
      // A row that sorts before the cursor appears meanwhile: it must not shift the next page.
      if (pages++ === 0) await create(tenant, { familyName: "Aardvark", tags: ["batch"] });
    } while (token);
    expect(seen).toEqual(["Family0", "Family1", "Family2", "Family3", "Family4", "Family5", "Family6"]);

    const { contacts: lastPage, pageInfo } = await list(tenant, { filter, orderBy, page: { pageSize: 3, pageToken: "", direction: 1 } });
    expect(pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const previous = await list(tenant, { filter, orderBy, page: { pageSize: 3, pageToken: pageInfo!.endCursor, direction: 2 } });
    expect(previous.contacts.map((c) => c.familyName)).toEqual(lastPage.slice(0, 2).map((c) => c.familyName));
  });

  it("rejects bad list input with the offending field", async () => {
    const bad = async (request: Partial<contactsV1.ListContactsRequest>) => fieldViolationsOf(await grpcError(list(tenantA, request)))[0]?.field;
    expect(await bad({ orderBy: [{ field: "email", descending: false }] })).toBe("orderBy");
    expect(await bad({ page: { pageSize: 500, pageToken: "", direction: 0 } })).toBe("limit");
    expect(await bad({ page: { pageSize: 5, pageToken: "garbage!", direction: 0 } })).toBe("cursor");
    const injected = Buffer.from(JSON.stringify({ f: "createdAt", d: -1, v: { $ne: null }, id: "x" })).toString("base64url");
    expect(await bad({ page: { pageSize: 5, pageToken: injected, direction: 0 } })).toBe("cursor");
  });

  it("publishes contact.created through the outbox", async () => {
    const infra = testInfra();
    const log = createLogger("test", "silent");
    const bus = await EventBus.connect(infra.natsUrl, "contacts-test", log);
    const redis = connectRedis(infra.redisUrl, uniqueName("consumer"));
    const tenant: Identity = { ...tenantA, tenantId: uniqueName("events") };
    const received: eventsV1.ContactCreated[] = [];
    const durable = uniqueName("contacts_test");
    await bus.consume({
      stream: "CRM_CONTACTS",
      durable,
      filterSubjects: ["crm.contacts.contact.created"],
      idempotency: new RedisIdempotencyStore(redis),
      handler: async (event) => {
        if (event.tenantId === tenant.tenantId) received.push(eventsV1.ContactCreated.decode(event.payload));
      },
    });
    const created = await create(tenant, { givenName: "Evented", relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_PARTNER });
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await bus.jsm.consumers.delete("CRM_CONTACTS", durable);
    await bus.close();
    redis.disconnect();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ contactId: created.id, displayName: "Evented", relationshipType: "partner", meta: { tenantId: tenant.tenantId, actor: "u1" } });
    const stored = await service.models.contact.findOne({ tenantId: tenant.tenantId, _id: created.id }).lean();
    expect(stored?.outbox).toEqual([]);
  });
});
