import { status as Status } from "@grpc/grpc-js";
import { callUnary, fieldViolationsOf, type Identity } from "@crm/kit";
import { commonV1, contactsV1, eventsV1 } from "@crm/proto";
import { as, metadataFor, condition, contactInput, emails, grpcError, phones, startTestService, tenant } from "./support";

const { Comparator: C } = commonV1;
let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
const t = tenant("search");
const ids: Record<string, string> = {};
let acmeId = "";

const create = async (identity: Identity, contact: Partial<contactsV1.ContactInput>) =>
  (await callUnary(client.createContact.bind(client), { contact: contactInput(contact), requestId: "", allowDuplicates: true }, await as(identity))).contact!;
const names = async (request: Partial<contactsV1.ListContactsRequest>, identity = t) => {
  const response = await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({ orderBy: [{ field: "familyName", descending: false }], ...request }), await as(identity));
  return response.contacts.map((c) => c.familyName);
};
const address = (city: string, region: string, country: string) => [{ type: "work", lines: [], city, region, postalCode: "", country }];

beforeAll(async () => {
  harness = await startTestService("search");
  client = harness.client;
  const { definition } = await callUnary(client.defineCustomField.bind(client), { definition: { key: "shoeSize", label: "Shoe size", type: contactsV1.CustomFieldType.CUSTOM_FIELD_TYPE_NUMBER, options: [] } }, await as(t));
  expect(definition?.key).toBe("shoeSize");
  const acme = await callUnary(client.createOrganization.bind(client), { organization: contactsV1.OrganizationInput.fromPartial({ name: "Acme Corporation", domain: "acme.example" }), requestId: "", allowDuplicates: false }, await as(t));
  acmeId = acme.organization!.id;
  const type = contactsV1.RelationshipType;
  ids.lukasz = (await create(t, { givenName: "Łukasz", familyName: "Żółć", emails: emails("lukasz@firma.pl"), addresses: address("Kraków", "Małopolskie", "PL"), relationshipType: type.RELATIONSHIP_TYPE_CUSTOMER, tags: ["vip"], ownerId: "owner-1", customFields: { shoeSize: "44" } })).id;
  ids.ada = (await create(t, { givenName: "Ada", familyName: "Lovelace", emails: emails("ada@analytical.example"), phones: phones("+44 20 7946 0958"), addresses: address("London", "England", "GB"), relationshipType: type.RELATIONSHIP_TYPE_PARTNER, ownerId: "owner-2", customFields: { shoeSize: "38" }, organizations: [{ organizationId: acmeId, role: "CTO", decisionMaker: true, influencer: false }] })).id;
  ids.grace = (await create(t, { givenName: "Grace", familyName: "Hopper", addresses: address("Arlington", "Virginia", "US"), relationshipType: type.RELATIONSHIP_TYPE_CUSTOMER, tags: ["navy", "vip"], organizations: [{ organizationId: acmeId, role: "Engineer", decisionMaker: false, influencer: false }] })).id;
  await create(tenant("search_other"), { givenName: "Ada", familyName: "Other", emails: emails("ada@analytical.example") });
}, 60_000);
afterAll(() => harness.stop());

describe("search", () => {
  it.each([
    ["a name prefix without accents or case", "LUKA", ["Żółć"]],
    ["an accented family-name prefix", "zol", ["Żółć"]],
    ["two words, each a prefix", "ada love", ["Lovelace"]],
    ["an e-mail domain", "analytical", ["Lovelace"]],
    ["a whole e-mail", "ada@analytical.example", ["Lovelace"]],
    ["a phone in national form", "020 7946", ["Lovelace"]],
    ["a phone in international form", "+44 20 7946 0958", ["Lovelace"]],
    ["an organisation name", "acme", ["Hopper", "Lovelace"]],
    ["a word nobody has", "zebra", []],
  ])("finds contacts by %s", async (_case, search, expected) => {
    expect(await names({ search })).toEqual(expected);
  });
});

describe("filters", () => {
  const f = condition;
  it.each([
    ["type", f("type", C.COMPARATOR_EQ, "customer"), ["Hopper", "Żółć"]],
    ["tag", f("tags", C.COMPARATOR_EQ, "VIP"), ["Hopper", "Żółć"]],
    ["owner", f("ownerId", C.COMPARATOR_IN, "owner-1", "owner-2"), ["Lovelace", "Żółć"]],
    ["country", f("country", C.COMPARATOR_IN, "gb", "us"), ["Hopper", "Lovelace"]],
    ["region", f("region", C.COMPARATOR_EQ, "Virginia"), ["Hopper"]],
    ["city", f("city", C.COMPARATOR_EQ, "Kraków"), ["Żółć"]],
    ["e-mail", f("email", C.COMPARATOR_EQ, "ADA@analytical.example"), ["Lovelace"]],
    ["organisation", f("organizationId", C.COMPARATOR_EQ, "ORG"), ["Hopper", "Lovelace"]],
    ["key person", f("decisionMaker", C.COMPARATOR_EQ, "true"), ["Lovelace"]],
    ["custom number field", f("custom.shoeSize", C.COMPARATOR_GTE, "40"), ["Żółć"]],
    ["custom field exists", f("custom.shoeSize", C.COMPARATOR_EXISTS, "true"), ["Lovelace", "Żółć"]],
  ])("filters by %s", async (_case, filter, expected) => {
    const withOrg = JSON.parse(JSON.stringify(filter).replace('"ORG"', JSON.stringify(acmeId))) as commonV1.Filter;
    expect(await names({ filter: withOrg })).toEqual(expected);
  });

  it("filters by created and updated ranges", async () => {
    const created = await callUnary(client.getContact.bind(client), { id: ids.ada! }, await as(t));
    const at = created.contact!.createTime!.toISOString();
    expect(await names({ filter: condition("createdAt", C.COMPARATOR_GTE, at) })).toEqual(["Hopper", "Lovelace"]);
    expect(await names({ filter: condition("updatedAt", C.COMPARATOR_LT, at) })).toEqual(["Żółć"]);
  });

  it("keeps last interaction current from interaction events, and filters by it", async () => {
    const runtime = harness.service.runtime;
    const publish = async (contactIds: string[], occurTime: Date, eventId: string) =>
      runtime.bus.publish({
        subject: "crm.interactions.interaction.logged", type: "crm.events.v1.InteractionLogged", tenantId: t.tenantId, eventId,
        payload: eventsV1.InteractionLogged.encode({ meta: { eventId, tenantId: t.tenantId, occurTime, actor: "u" }, interactionId: eventId, kind: "call", contactIds, organizationId: "", occurTime }).finish(),
      });
    await publish([ids.ada!, ids.grace!], new Date("2026-03-01T10:00:00Z"), `${t.tenantId}-i1`);
    await publish([ids.ada!], new Date("2026-01-01T10:00:00Z"), `${t.tenantId}-i2`); // older: changes nothing
    const filter = condition("lastInteractionAt", C.COMPARATOR_GTE, "2026-02-01");
    const deadline = Date.now() + 10_000;
    while ((await names({ filter })).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await names({ filter })).toEqual(["Hopper", "Lovelace"]);
    expect(await names({ filter: condition("lastInteractionAt", C.COMPARATOR_LT, "2026-02-01") })).toEqual([]);
    const { contact } = await callUnary(client.getContact.bind(client), { id: ids.ada! }, await as(t));
    expect(contact?.lastInteractionTime?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });

  it("rejects a filter on an unknown field or an undefined custom field", async () => {
    const error = await grpcError(names({ filter: condition("custom.hatSize", C.COMPARATOR_EQ, "7") }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(error)[0]?.field).toBe("filter.custom.hatSize");
  });
});

describe("segments", () => {
  it("streams every contact matching a filter in batches, and resumes after a given id", async () => {
    const s = tenant("segment");
    for (let i = 0; i < 25; i++) await create(s, { familyName: `Member${String(i).padStart(2, "0")}`, tags: i % 5 === 0 ? ["out"] : ["in"] });
    const stream = async (request: Partial<contactsV1.StreamContactsRequest>) => {
      const call = client.streamContacts(contactsV1.StreamContactsRequest.fromPartial(request), metadataFor(await as(s)));
      const batches: string[][] = [];
      for await (const message of call as AsyncIterable<contactsV1.StreamContactsResponse>) batches.push(message.contacts.map((c) => c.id));
      return batches;
    };
    const batches = await stream({ filter: condition("tags", C.COMPARATOR_EQ, "in"), batchSize: 7 });
    expect(batches.map((b) => b.length)).toEqual([7, 7, 6]);
    const all = batches.flat();
    expect(all).toEqual([...all].sort());
    const resumed = await stream({ filter: condition("tags", C.COMPARATOR_EQ, "in"), afterId: all[9]!, batchSize: 100 });
    expect(resumed.flat()).toEqual(all.slice(10));
  });
});
