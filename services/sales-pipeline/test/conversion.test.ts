import { status as Status } from "@grpc/grpc-js";
import { credentials } from "@grpc/grpc-js";
import { callUnary, uuidv7, type Identity } from "@crm/kit";
import { contactsV1, eventsV1, salesPipelineV1 } from "@crm/proto";
import { EventWatcher, freePort, serviceTestEnv, startProcess, uniqueName, type PlatformProcess } from "@crm/testing";
import { apiOf, as, grpcError, startTestService, tenant, waitFor, type TestService } from "./support";

// Conversion against the real contacts service (a process of its own): records re-used when
// contacts finds duplicates, and a conversion killed between its steps (the sales-pipeline
// process dies, as a crash would, right after a step) finished exactly once by the next
// attempt, or by the recovery sweep.
let contacts: PlatformProcess;
let contactsAddress: string;
let contactsClient: contactsV1.ContactsServiceClient;
let harness: TestService;
let api: ReturnType<typeof apiOf>;
let watcher: EventWatcher;
const killed: PlatformProcess[] = [];

beforeAll(async () => {
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  contacts = await startProcess({ name: "contacts", dir: "services/contacts", opsPort, env: { ...serviceTestEnv(uniqueName("conv_contacts")), SERVICE_NAME: "contacts", GRPC_PORT: String(grpcPort), OPS_PORT: String(opsPort) } });
  contactsAddress = `127.0.0.1:${grpcPort}`;
  contactsClient = new contactsV1.ContactsServiceClient(contactsAddress, credentials.createInsecure());
  harness = await startTestService("sales_conversion", { CONTACTS_ADDRESS: contactsAddress });
  api = apiOf(harness.client);
  watcher = await EventWatcher.start("crm.>");
}, 60_000);
afterAll(async () => {
  await watcher?.stop();
  for (const process of killed) await process.stop();
  await harness?.stop();
  contactsClient?.close();
  await contacts?.stop();
});

/** The sales-pipeline service as a process of its own (killable), on the contacts process, with its own database. */
async function salesProcess(env: Record<string, string>): Promise<{ process: PlatformProcess; api: ReturnType<typeof apiOf>; close(): void }> {
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  const process = await startProcess({
    name: "sales-pipeline",
    dir: "services/sales-pipeline",
    opsPort,
    env: { ...serviceTestEnv(uniqueName("conv_sales")), SERVICE_NAME: "sales-pipeline", GRPC_PORT: String(grpcPort), OPS_PORT: String(opsPort), CONTACTS_ADDRESS: contactsAddress, CONVERSION_HOLD_MS: "1500", ...env },
  });
  killed.push(process);
  const client = new salesPipelineV1.SalesPipelineServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  return { process, api: apiOf(client), close: () => client.close() };
}

const contactsCall = async <K extends "createContact" | "createOrganization" | "listContacts" | "listOrganizations">(who: Identity, method: K, request: Parameters<contactsV1.ContactsServiceClient[K]>[0]) =>
  callUnary((contactsClient[method] as (...args: unknown[]) => unknown).bind(contactsClient) as never, request as never, await as(who)) as Promise<never>;
const contactsWithEmail = async (who: Identity, email: string) =>
  ((await contactsCall(who, "listContacts", contactsV1.ListContactsRequest.fromPartial({ filter: { node: { $case: "condition", condition: { field: "email", comparator: 1, values: [email] } } } }))) as contactsV1.ListContactsResponse).contacts;
const organizationsWithDomain = async (who: Identity, domain: string) =>
  ((await contactsCall(who, "listOrganizations", contactsV1.ListOrganizationsRequest.fromPartial({ filter: { node: { $case: "condition", condition: { field: "domain", comparator: 1, values: [domain] } } } }))) as contactsV1.ListOrganizationsResponse).organizations;

/** A qualified lead (and a pipeline) in a tenant of its own. */
async function qualifiedLead(client: ReturnType<typeof apiOf>, who: Identity, email: string, domain: string) {
  const pipeline = (await client.createPipeline(who, { pipeline: { name: "P", stages: [{ name: "Discovery", probability: 20 }, { name: "Won", kind: "won" }, { name: "Lost", kind: "lost" }] } })).pipeline!;
  const lead = (await client.createLead(who, { lead: { person: { givenName: "Ada", familyName: "Lovelace", email, title: "Analyst" }, company: { name: "Analytical Engines", domain }, country: "GB", status: "qualified" } })).lead!;
  return { pipeline, lead };
}
const opportunity = (pipelineId: string) => ({ createOpportunity: true, opportunity: { name: "Engines for all", pipelineId, amount: { currencyCode: "GBP", amountMinor: "1250000" }, expectedCloseDate: "2026-09-30" } });
const convertedEvents = (leadId: string) => watcher.seen((e) => e.subject === "crm.sales-pipeline.lead.converted" && eventsV1.LeadConverted.decode(e.payload).leadId === leadId);

describe("lead conversion", () => {
  it("re-uses the person and organisation contacts' duplicate check finds, says so, and opens the deal; a repeat answers the same", async () => {
    const who = tenant("reuse");
    const org = ((await contactsCall(who, "createOrganization", contactsV1.CreateOrganizationRequest.fromPartial({ organization: { name: "Analytical Engines Ltd", domain: "engines.example" } }))) as contactsV1.CreateOrganizationResponse).organization!;
    const ada = ((await contactsCall(who, "createContact", contactsV1.CreateContactRequest.fromPartial({ contact: { givenName: "Ada", familyName: "Lovelace", emails: [{ address: "ada@engines.example" }] } }))) as contactsV1.CreateContactResponse).contact!;
    const { pipeline, lead } = await qualifiedLead(api, who, "ada@engines.example", "engines.example");

    const { lead: converted } = await api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) });
    expect(converted).toMatchObject({ status: "converted", contactId: ada.id, organizationId: org.id, conversion: { state: "completed", contactReused: true, organizationReused: true } });
    expect(converted!.conversion!.notes.join("\n")).toMatch(/organisation "Analytical Engines" matched existing "Analytical Engines Ltd" \(same domain/);
    expect(converted!.conversion!.notes.join("\n")).toMatch(/person "Ada Lovelace" matched existing "Ada Lovelace" \(.*same e-mail/);
    const deal = (await api.getDeal(who, { id: converted!.dealId })).deal!;
    expect(deal).toMatchObject({ name: "Engines for all", leadId: lead.id, organizationId: org.id, stakeholders: [{ contactId: ada.id, role: "champion" }], amount: { currencyCode: "GBP", amountMinor: "1250000" }, stageName: "Discovery" });

    const again = await api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) });
    expect(again.lead).toMatchObject({ contactId: ada.id, dealId: converted!.dealId });
    expect((await contactsWithEmail(who, "ada@engines.example")).map((c) => c.id)).toEqual([ada.id]);
    expect((await api.listDeals(who, {})).deals).toHaveLength(1);
    await waitFor(async () => (convertedEvents(lead.id).length === 1 ? true : undefined));
    expect(eventsV1.LeadConverted.decode(convertedEvents(lead.id)[0]!.payload)).toMatchObject({ contactId: ada.id, contactReused: true, organizationReused: true, dealId: converted!.dealId });
  });

  it("refuses to convert a lead that is not qualified, or with an impossible deal, and makes nothing", async () => {
    const who = tenant("unqualified");
    const { pipeline, lead } = await qualifiedLead(api, who, "grace@navy.example", "navy.example");
    const fresh = (await api.createLead(who, { lead: { person: { givenName: "Grace", email: "grace2@navy.example" } } })).lead!;
    const refused = await grpcError(api.convertLead(who, { leadId: fresh.id }));
    expect(refused.code).toBe(Status.FAILED_PRECONDITION);
    expect(refused.details).toContain("is new: only a qualified lead can be converted");
    const noAmount = await grpcError(api.convertLead(who, { leadId: lead.id, createOpportunity: true, opportunity: { pipelineId: pipeline.id, amount: { currencyCode: "GBP", amountMinor: "-1" } } }));
    expect(noAmount.code).toBe(Status.INVALID_ARGUMENT);
    const noPipeline = await grpcError(api.convertLead(who, { leadId: lead.id, ...opportunity(uuidv7()) }));
    expect(noPipeline.code).toBe(Status.INVALID_ARGUMENT);
    expect((await api.getLead(who, { id: lead.id })).lead).toMatchObject({ status: "qualified", conversion: undefined });
    expect(await contactsWithEmail(who, "grace@navy.example")).toEqual([]);
    expect(await organizationsWithDomain(who, "navy.example")).toEqual([]);
  });

  it("finishes a conversion killed after its organisation step exactly once, on the next attempt", async () => {
    const sales = await salesProcess({ CONVERSION_HALT_AFTER_STEP: "organization", SWEEP_INTERVAL_MS: "60000", SWEEP_LEASE_MS: "180000" });
    const who = tenant("killed_retry");
    const { pipeline, lead } = await qualifiedLead(sales.api, who, "charles@engines.example", "babbage.example");
    const died = await grpcError(sales.api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) }));
    expect(died.code).toBe(Status.UNAVAILABLE);
    await sales.process.stop();
    await sales.process.restart();
    // Half done: the organisation exists, the resume point says so, no person yet.
    const half = (await sales.api.getLead(who, { id: lead.id })).lead!;
    expect(half.conversion).toMatchObject({ state: "in_progress", step: "organization", contactId: "" });
    expect(await organizationsWithDomain(who, "babbage.example")).toHaveLength(1);
    expect(await contactsWithEmail(who, "charles@engines.example")).toEqual([]);

    const { lead: converted } = await sales.api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) });
    expect(converted).toMatchObject({ status: "converted", conversion: { state: "completed", step: "completed", organizationId: half.conversion!.organizationId, contactReused: false } });
    await expectExactlyOnce(sales.api, who, lead.id, "charles@engines.example", "babbage.example");
    sales.close();
  }, 60_000);

  it("finishes a conversion killed after its person step exactly once, by the recovery sweep", async () => {
    const sales = await salesProcess({ CONVERSION_HALT_AFTER_STEP: "person", SWEEP_INTERVAL_MS: "300", SWEEP_LEASE_MS: "1000" });
    const who = tenant("killed_sweep");
    const { pipeline, lead } = await qualifiedLead(sales.api, who, "ada@sweep.example", "sweep.example");
    expect((await grpcError(sales.api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) }))).code).toBe(Status.UNAVAILABLE);
    await sales.process.stop();
    await sales.process.restart();
    // Nobody asks again: the sweep takes the conversion over once its hold has run out.
    const converted = await waitFor(async () => {
      const { lead: found } = await sales.api.getLead(who, { id: lead.id });
      return found!.status === "converted" ? found! : undefined;
    }, 20_000);
    expect(converted.conversion).toMatchObject({ state: "completed", contactReused: false, organizationReused: false });
    await expectExactlyOnce(sales.api, who, lead.id, "ada@sweep.example", "sweep.example");
    // A late retry answers the finished conversion.
    expect((await sales.api.convertLead(who, { leadId: lead.id, ...opportunity(pipeline.id) })).lead!.dealId).toBe(converted.dealId);
    sales.close();
  }, 60_000);
});

/** One organisation, one person, one deal, one lead.converted: nothing made twice. */
async function expectExactlyOnce(client: ReturnType<typeof apiOf>, who: Identity, leadId: string, email: string, domain: string) {
  const lead = (await client.getLead(who, { id: leadId })).lead!;
  const people = await contactsWithEmail(who, email);
  const organizations = await organizationsWithDomain(who, domain);
  expect(people.map((p) => p.id)).toEqual([lead.contactId]);
  expect(organizations.map((o) => o.id)).toEqual([lead.organizationId]);
  expect(people[0]!.organizations.map((o) => o.organizationId)).toEqual([lead.organizationId]);
  expect((await client.listDeals(who, {})).deals.map((d) => d.id)).toEqual([lead.dealId]);
  await waitFor(async () => (convertedEvents(leadId).length === 1 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(convertedEvents(leadId)).toHaveLength(1);
  const created = watcher.seen((e) => e.subject === "crm.contacts.contact.created" && e.headers["Crm-Tenant"] === who.tenantId);
  expect(created).toHaveLength(1);
}
