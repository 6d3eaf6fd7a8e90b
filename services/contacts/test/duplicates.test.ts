import { status as Status } from "@grpc/grpc-js";
import { callUnary, type Identity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { STRONG_MATCH } from "../src/domain/duplicates";
import { as, candidatesOf, contactInput, emails, grpcError, phones, startTestService, tenant } from "./support";

let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
beforeAll(async () => {
  harness = await startTestService("duplicates");
  client = harness.client;
});
afterAll(() => harness.stop());

const create = async (identity: Identity, contact: Partial<contactsV1.ContactInput>, allowDuplicates = false) =>
  (await callUnary(client.createContact.bind(client), { contact: contactInput(contact), requestId: "", allowDuplicates }, await as(identity))).contact!;
const get = async (identity: Identity, id: string) => (await callUnary(client.getContact.bind(client), { id }, await as(identity))).contact!;
const createOrganization = async (identity: Identity, organization: Partial<contactsV1.OrganizationInput>, allowDuplicates = false) =>
  (await callUnary(client.createOrganization.bind(client), { organization: contactsV1.OrganizationInput.fromPartial(organization), requestId: "", allowDuplicates }, await as(identity))).organization!;
const merge = async (identity: Identity, request: Partial<contactsV1.MergeContactsRequest>) =>
  callUnary(client.mergeContacts.bind(client), contactsV1.MergeContactsRequest.fromPartial(request), await as(identity));
const count = async (identity: Identity) => harness.service.models.contact.countDocuments({ tenantId: identity.tenantId, state: "active" });

describe("duplicate detection", () => {
  it("refuses a create with the same e-mail in another spelling (409 with candidates) unless asked to create anyway", async () => {
    const t = tenant("dup_email");
    const first = await create(t, { givenName: "Ada", familyName: "Lovelace", emails: emails("ada@example.com") });
    const before = await count(t);
    const error = await grpcError(create(t, { givenName: "Augusta", familyName: "King", emails: emails("  ADA@Example.com ") }));
    expect(error.code).toBe(Status.ALREADY_EXISTS);
    // Another name with the same e-mail: still strong (names change), if less certain than with the same name.
    expect(candidatesOf(error)).toEqual([expect.objectContaining({ id: first.id, externalId: "", displayName: "Ada Lovelace", reasons: ["same e-mail"] })]);
    expect(candidatesOf(error)[0]!.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    expect(candidatesOf(error)[0]!.evidence).toEqual(expect.arrayContaining([
      { field: "email", comparison: "same", weight: expect.any(Number) },
      { field: "givenName", comparison: "different", weight: expect.any(Number) },
    ]));
    expect(await count(t)).toBe(before);
    const forced = await create(t, { givenName: "Augusta", familyName: "King", emails: emails("ada@example.com") }, true);
    expect(forced.id).not.toBe(first.id);
  });

  it("refuses the same phone written nationally, and a similar name at the same organisation", async () => {
    const t = tenant("dup_fuzzy");
    const acme = await createOrganization(t, { name: "Acme Ltd", domain: "acme.example" });
    const link = [{ organizationId: acme.id, role: "CTO", decisionMaker: true, influencer: false }];
    const robert = await create(t, { givenName: "Robert", familyName: "Smith", phones: phones("+44 20 7946 0958"), organizations: link });
    const byPhone = await grpcError(create(t, { givenName: "R", familyName: "Smyth", phones: phones("020 7946 0958"), defaultPhoneRegion: "GB" }));
    expect(candidatesOf(byPhone).map((c) => [c.id, c.reasons])).toEqual([[robert.id, ["same phone", "similar name"]]]);
    const byName = await grpcError(create(t, { givenName: "Bob", familyName: "Smtih", organizations: link }));
    expect(byName.code).toBe(Status.ALREADY_EXISTS);
    expect(candidatesOf(byName)[0]).toMatchObject({ id: robert.id, reasons: ["similar name", "same organisation"] });
    // The same similar name elsewhere is only a weak candidate: created, but listed on demand.
    const elsewhere = await create(t, { givenName: "Bob", familyName: "Smtih" });
    const { candidates } = await callUnary(client.findContactDuplicates.bind(client), { subject: { $case: "contactId", contactId: elsewhere.id } }, await as(t));
    expect(candidates).toEqual([expect.objectContaining({ id: robert.id, reasons: ["similar name"] })]);
    expect(candidates[0]!.score).toBeLessThan(STRONG_MATCH);
  });

  it("finds an exact namesake at the same postcode among hundreds sharing the family name, the same on create and in find-duplicates", async () => {
    const t = tenant("dup_common");
    const at = (line: string, postalCode: string) => [{ type: "home", lines: [line], city: "Leeds", region: "", postalCode, country: "GB" }];
    const given = ["Amy", "Ben", "Dan", "Eve", "Fay", "Gus", "Ian", "Jo"];
    // 40 Whites elsewhere: more than a name key is read for (blocking.ts), so narrower keys must find her.
    for (let i = 0; i < 40; i++) await create(t, { givenName: given[i % given.length]!, familyName: "White", addresses: at(`${i} Long Road`, `LS${10 + (i % 20)} 1AA`) }, true);
    const chloe = await create(t, { givenName: "Chloe", familyName: "White", birthday: "1980-02-11", addresses: at("12 High Street", "LS1 4AB"), externalId: "legacy-17" });
    const again = { givenName: "Chloe", familyName: "White", birthday: "1980-02-11", addresses: at("12 High St", "LS1 4AB") };
    const refused = await grpcError(create(t, again));
    expect(refused.code).toBe(Status.ALREADY_EXISTS);
    expect(candidatesOf(refused)).toEqual([expect.objectContaining({ id: chloe.id, externalId: "legacy-17", reasons: ["same name", "same birthday", "same address"] })]);
    const { candidates } = await callUnary(client.findContactDuplicates.bind(client), { subject: { $case: "contact", contact: contactInput(again) } }, await as(t));
    expect(candidates.map((c) => [c.id, c.score])).toEqual(candidatesOf(refused).map((c) => [c.id, c.score]));
  }, 120_000);

  it("keeps external ids unique even when duplicates are allowed", async () => {
    const t = tenant("dup_external");
    await create(t, { givenName: "One", externalId: "crm-1" });
    const error = await grpcError(create(t, { givenName: "Two", externalId: "crm-1" }, true));
    expect(error.code).toBe(Status.ALREADY_EXISTS);
    expect(error.details).toMatch(/external id crm-1/);
  });

  it("lets only one of two concurrent creates with the same e-mail through", async () => {
    const t = tenant("dup_race");
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => create(t, { givenName: `Racer${i}`, emails: emails("race@example.com") })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await count(t)).toBe(1);
  });

  it("finds organisations by normalised domain and name", async () => {
    const t = tenant("dup_org");
    const acme = await createOrganization(t, { name: "ACME, Inc.", domain: "https://www.acme.example/" });
    expect(acme.domain).toBe("acme.example");
    const byDomain = await grpcError(createOrganization(t, { name: "Totally Different", domain: "acme.example" }));
    expect(candidatesOf(byDomain)).toEqual([expect.objectContaining({ id: acme.id, reasons: ["same domain"] })]);
    const byName = await grpcError(createOrganization(t, { name: "Acme Incorporated" }));
    expect(candidatesOf(byName)).toEqual([expect.objectContaining({ id: acme.id, reasons: ["same name"] })]);
  });
});

describe("merge", () => {
  it("combines two records field by field, retires the merged id, and can be undone from its audit", async () => {
    const t = tenant("merge");
    const survivor = await create(t, { givenName: "Ada", familyName: "Lovelace", emails: emails("ada@a.example"), tags: ["vip"] });
    const merged = await create(t, { givenName: "Augusta", familyName: "King", title: "Countess", emails: emails("ada@b.example"), tags: ["board"] });
    const result = await merge(t, { survivorId: survivor.id, mergedId: merged.id, fieldsFromMerged: ["family_name"], survivorEtag: survivor.etag });
    expect(result.contact).toMatchObject({ id: survivor.id, givenName: "Ada", familyName: "King", title: "Countess", tags: ["vip", "board"], etag: 'W/"2"' });
    expect(result.contact!.emails.map((e) => e.address)).toEqual(["ada@a.example", "ada@b.example"]);
    expect(result.fieldSources).toMatchObject({ familyName: merged.id, title: merged.id, givenName: survivor.id });
    const gone = await grpcError(get(t, merged.id));
    expect(gone.code).toBe(Status.NOT_FOUND);
    expect(gone.details).toContain(`merged into ${survivor.id}`);
    // The merged e-mail now belongs to the survivor: a new record with it is a duplicate of the survivor.
    expect(candidatesOf(await grpcError(create(t, { givenName: "X", emails: emails("ada@b.example") })))[0]?.id).toBe(survivor.id);

    const undone = await callUnary(client.undoContactMerge.bind(client), { mergeId: result.mergeId }, await as(t));
    expect(undone.survivor).toMatchObject({ familyName: "Lovelace", title: "", tags: ["vip"] });
    expect(undone.restored).toMatchObject({ id: merged.id, givenName: "Augusta", emails: [expect.objectContaining({ address: "ada@b.example" })] });
    expect((await get(t, merged.id)).familyName).toBe("King");
    expect((await get(t, survivor.id)).emails.map((e) => e.address)).toEqual(["ada@a.example"]);
    const again = await grpcError(callUnary(client.undoContactMerge.bind(client), { mergeId: result.mergeId }, await as(t)));
    expect(again.code).toBe(Status.FAILED_PRECONDITION);
  });

  it("refuses a stale survivor etag and a merge with itself, changing nothing", async () => {
    const t = tenant("merge_bad");
    const a = await create(t, { givenName: "A", familyName: "One" });
    const b = await create(t, { givenName: "B", familyName: "Two" });
    expect((await grpcError(merge(t, { survivorId: a.id, mergedId: b.id, survivorEtag: 'W/"9"' }))).code).toBe(Status.FAILED_PRECONDITION);
    expect((await grpcError(merge(t, { survivorId: a.id, mergedId: a.id }))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await get(t, b.id)).givenName).toBe("B");
    expect(await harness.service.models.merge.countDocuments({ tenantId: t.tenantId })).toBe(0);
  });
});
