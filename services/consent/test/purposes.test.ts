import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { commonV1, consentV1, eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { call, createPurpose, grpcError, purposeInput, startTestService, tenant, type ConsentHarness } from "./support";

// Purposes and their notices, through the service's gRPC API, on the real FerretDB, NATS and Redis.
let harness: ConsentHarness;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("purposes");
  published = await EventWatcher.start("crm.consent.purpose.>");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

const list = async (identity: ReturnType<typeof tenant>, request: Partial<consentV1.ListPurposesRequest>) =>
  call(harness, identity, "listPurposes", consentV1.ListPurposesRequest.fromPartial(request));
const names = (response: consentV1.ListPurposesResponse) => response.purposes.map((item) => item.name);

describe("purposes", () => {
  it("stores a purpose with its lawful basis, policy and first notice, reads it back and publishes purpose.created", async () => {
    const owner = tenant("owner");
    const created = await createPurpose(harness, owner, { name: "  Marketing   e-mail ", consentValidityDays: 365, retentionDays: 730, description: "Offers" });
    expect(created).toMatchObject({
      name: "Marketing e-mail",
      key: "marketing-e-mail",
      lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_CONSENT,
      optMode: consentV1.OptMode.OPT_MODE_OPT_IN,
      consentValidityDays: 365,
      retentionDays: 730,
      notices: [{ version: 1, text: "We send you our newsletter once a month.", requiresRenewal: false, publishedBy: owner.subject }],
      renewalRequiredFrom: 0,
      etag: 'W/"1"',
    });
    expect((await call(harness, owner, "getPurpose", { id: created.id })).purpose).toEqual(created);
    const event = await published.next((e) => e.subject === "crm.consent.purpose.created" && eventsV1.PurposeCreated.decode(e.payload).purposeId === created.id);
    expect(event.headers).toMatchObject({ "Crm-Tenant": owner.tenantId, "Crm-Event-Type": "crm.events.v1.PurposeCreated" });
  });

  it("refuses what a purpose cannot be, naming every field, and a key taken in the tenant", async () => {
    const owner = tenant("invalid");
    const invalid = await grpcError(
      call(harness, owner, "createPurpose", { purpose: purposeInput({ name: " ", lawfulBasis: 0, noticeText: "", consentValidityDays: -1 }), requestId: "" }),
    );
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(invalid).map((v) => v.field).sort()).toEqual(["purpose.consentValidityDays", "purpose.key", "purpose.lawfulBasis", "purpose.name", "purpose.noticeText"]);
    const optOut = await grpcError(call(harness, owner, "createPurpose", { purpose: purposeInput({ optMode: consentV1.OptMode.OPT_MODE_OPT_OUT }), requestId: "" }));
    expect(fieldViolationsOf(optOut)).toEqual([{ field: "purpose.optMode", description: expect.stringContaining("silence is not consent") }]);
    await createPurpose(harness, owner, { key: "newsletter" });
    expect((await grpcError(createPurpose(harness, owner, { key: "newsletter", name: "Other" }))).code).toBe(Status.ALREADY_EXISTS);
  });

  it("answers a create repeated with its request id with the first purpose, and keeps tenants apart", async () => {
    const [owner, other] = [tenant("retry"), tenant("other")];
    const requestId = uuidv7();
    const first = (await call(harness, owner, "createPurpose", { purpose: purposeInput(), requestId })).purpose!;
    expect((await call(harness, owner, "createPurpose", { purpose: purposeInput(), requestId })).purpose!.id).toBe(first.id);
    expect(names(await list(owner, {}))).toEqual(["Newsletter"]);
    expect((await grpcError(call(harness, other, "getPurpose", { id: first.id }))).code).toBe(Status.NOT_FOUND);
    expect(names(await list(other, {}))).toEqual([]);
  });

  it("updates the policy at the version read, and refuses a stale etag or a field subjects agreed to", async () => {
    const owner = tenant("update");
    const purpose = await createPurpose(harness, owner);
    const update = (mask: string[], fields: Partial<consentV1.PurposeInput>, etag: string) =>
      call(harness, owner, "updatePurpose", { id: purpose.id, purpose: purposeInput(fields), updateMask: mask, etag });
    const updated = (await update(["name", "consent_validity_days"], { name: "Monthly news", consentValidityDays: 30 }, purpose.etag)).purpose!;
    expect(updated).toMatchObject({ name: "Monthly news", consentValidityDays: 30, etag: 'W/"2"', lawfulBasis: purpose.lawfulBasis });
    expect((await grpcError(update(["name"], { name: "Again" }, purpose.etag))).code).toBe(Status.FAILED_PRECONDITION);
    const basis = await grpcError(update(["lawfulBasis"], { lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_CONTRACT }, updated.etag));
    expect(fieldViolationsOf(basis)).toEqual([{ field: "updateMask", description: expect.stringContaining("cannot change lawfulBasis") }]);
    const event = await published.next((e) => e.subject === "crm.consent.purpose.updated" && eventsV1.PurposeUpdated.decode(e.payload).purposeId === purpose.id);
    expect(eventsV1.PurposeUpdated.decode(event.payload).changedFields).toEqual(["name", "consentValidityDays"]);
  });

  it("publishes new notice versions; one that requires renewal says from which version grants count", async () => {
    const owner = tenant("notice");
    const purpose = await createPurpose(harness, owner);
    const publish = (text: string, requiresRenewal: boolean) => call(harness, owner, "publishNotice", { purposeId: purpose.id, text, requiresRenewal, etag: "" });
    await publish("Typo fixed.", false);
    const renewed = (await publish("We now also send offers.", true)).purpose!;
    expect(renewed.notices.map((n) => [n.version, n.requiresRenewal])).toEqual([[1, false], [2, false], [3, true]]);
    expect(renewed.renewalRequiredFrom).toBe(3);
    expect(fieldViolationsOf(await grpcError(publish("  ", true)))).toEqual([{ field: "text", description: "is required: the text subjects see" }]);
  });

  it("lists with a filter, an order and cursors", async () => {
    const owner = tenant("list");
    for (const name of ["Cherry", "Apple", "Banana"]) await createPurpose(harness, owner, { name, lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_LEGITIMATE_INTEREST, optMode: consentV1.OptMode.OPT_MODE_OPT_OUT });
    await createPurpose(harness, owner, { name: "Contracted" });
    const byName = [{ field: "name", descending: false }];
    const first = await list(owner, { orderBy: byName, page: commonV1.PageRequest.fromPartial({ pageSize: 2 }) });
    expect(names(first)).toEqual(["Apple", "Banana"]);
    const next = commonV1.PageRequest.fromPartial({ pageSize: 2, pageToken: first.pageInfo!.endCursor });
    expect(names(await list(owner, { orderBy: byName, page: next }))).toEqual(["Cherry", "Contracted"]);
    const optOut = { field: "optMode", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["opt_out"] };
    expect(names(await list(owner, { filter: { node: { $case: "condition", condition: optOut } }, orderBy: byName }))).toEqual(["Apple", "Banana", "Cherry"]);
    expect((await grpcError(list(owner, { orderBy: [{ field: "createdBy", descending: false }] }))).code).toBe(Status.INVALID_ARGUMENT);
  });
});
