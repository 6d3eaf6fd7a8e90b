import { status as Status } from "@grpc/grpc-js";
import { callUnary, createLogger, ERASURE_REQUESTED, EventBus, fieldViolationsOf, uuidv7, type Identity } from "@crm/kit";
import { commonV1, eventsV1, salesPipelineV1 } from "@crm/proto";
import { EventWatcher, grpcError, testInfra, testTenant } from "@crm/testing";
import { as, startTestService } from "./support";

// The whole service in this process, against the real FerretDB, NATS and Redis; its events seen on NATS.
let harness: Awaited<ReturnType<typeof startTestService>>;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("sales_pipeline");
  published = await EventWatcher.start("crm.sales-pipeline.>");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

const create = async (identity: Identity, name: string, requestId = "") =>
  (await callUnary(harness.client.createLead.bind(harness.client), { lead: { name }, requestId }, await as(identity))).lead!;
const get = async (identity: Identity, id: string) =>
  (await callUnary(harness.client.getLead.bind(harness.client), { id }, await as(identity))).lead!;
const list = async (identity: Identity, request: Partial<salesPipelineV1.ListLeadsRequest>) =>
  callUnary(harness.client.listLeads.bind(harness.client), salesPipelineV1.ListLeadsRequest.fromPartial(request), await as(identity));
const names = (response: salesPipelineV1.ListLeadsResponse) => response.leads.map((item) => item.name);

describe("SalesPipelineService", () => {
  it("stores a lead, reads it back and publishes lead.created", async () => {
    const owner = testTenant("owner");
    const created = await create(owner, "  First   one ");
    expect(created).toMatchObject({ name: "First one", createdBy: owner.subject, etag: 'W/"1"' });
    expect(await get(owner, created.id)).toEqual(created);
    const event = await published.next((e) => e.subject === "crm.sales-pipeline.lead.created" && eventsV1.LeadCreated.decode(e.payload).leadId === created.id);
    expect(event.headers).toMatchObject({ "Crm-Tenant": owner.tenantId, "Crm-Event-Type": "crm.events.v1.LeadCreated" });
  });

  it("refuses a blank name with the field, and keeps tenants apart", async () => {
    const [mine, other] = [testTenant("mine"), testTenant("other")];
    const invalid = await grpcError(create(mine, "   "));
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(invalid)).toEqual([{ field: "lead.name", description: "is required" }]);
    const theirs = await create(other, "Theirs");
    expect((await grpcError(get(mine, theirs.id))).code).toBe(Status.NOT_FOUND);
    expect(names(await list(mine, {}))).toEqual([]);
  });

  it("answers a create repeated with its request id with the first lead", async () => {
    const owner = testTenant("retry");
    const requestId = uuidv7();
    const first = await create(owner, "Once", requestId);
    expect((await create(owner, "Once", requestId)).id).toBe(first.id);
    expect(names(await list(owner, {}))).toEqual(["Once"]);
  });

  it("lists with a filter, an order and cursors", async () => {
    const owner = testTenant("list");
    for (const name of ["Cherry", "Apple", "Banana"]) await create(owner, name);
    const byName = [{ field: "name", descending: false }];
    const first = await list(owner, { orderBy: byName, page: commonV1.PageRequest.fromPartial({ pageSize: 2 }) });
    expect(names(first)).toEqual(["Apple", "Banana"]);
    expect(first.pageInfo?.hasNextPage).toBe(true);
    const next = commonV1.PageRequest.fromPartial({ pageSize: 2, pageToken: first.pageInfo!.endCursor });
    expect(names(await list(owner, { orderBy: byName, page: next }))).toEqual(["Cherry"]);
    const startsWith = { field: "name", comparator: commonV1.Comparator.COMPARATOR_STARTS_WITH, values: ["Ba"] };
    expect(names(await list(owner, { filter: { node: { $case: "condition", condition: startsWith } } }))).toEqual(["Banana"]);
    expect((await grpcError(list(owner, { orderBy: [{ field: "createdBy", descending: false }] }))).code).toBe(Status.INVALID_ARGUMENT);
  });

  it("confirms an erasure request with zero counts: it holds no personal data", async () => {
    const consent = await EventBus.connect(testInfra().natsUrl, "consent-test", createLogger("consent-test", "silent"));
    const owner = testTenant("erasure");
    const requestId = uuidv7();
    const request = eventsV1.SubjectErasureRequested.fromPartial({ meta: { tenantId: owner.tenantId }, requestId, contactId: uuidv7() });
    const payload = eventsV1.SubjectErasureRequested.encode(request).finish();
    await consent.publish({ subject: ERASURE_REQUESTED.subject, type: "crm.events.v1.SubjectErasureRequested", tenantId: owner.tenantId, eventId: uuidv7(), payload });
    await consent.close();
    const confirmed = await published.next((e) => e.subject === "crm.sales-pipeline.subject.erasure_completed" && eventsV1.SubjectErasureCompleted.decode(e.payload).requestId === requestId);
    expect(eventsV1.SubjectErasureCompleted.decode(confirmed.payload)).toMatchObject({ service: "sales-pipeline", erased: "0", anonymised: "0" });
  });
});
