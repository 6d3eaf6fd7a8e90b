import { callUnary, ERASURE_REQUESTED, uuidv7 } from "@crm/kit";
import { eventsV1, subjectDataV1 } from "@crm/proto";
import { EventWatcher, uniqueName } from "@crm/testing";
import { credentials } from "@grpc/grpc-js";
import { apiOf, as, FakeProducer, startTestService, tenant, waitFor, type TestService } from "./support";

// What becomes of contacts: merges (references follow the survivor) and erasure (personal fields
// go, orders keep their amounts with an anonymous buyer), as contacts and consent announce them.
const deployment = uniqueName("sales_erasure");
let harness: TestService;
let api: ReturnType<typeof apiOf>;
let producer: FakeProducer;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("sales_fates", { DEPLOYMENT: deployment });
  api = apiOf(harness.client);
  producer = await FakeProducer.connect();
  published = await EventWatcher.start("crm.sales-pipeline.subject.>");
});
afterAll(async () => {
  await published?.stop();
  await producer?.close();
  await harness?.stop();
});

type Who = ReturnType<typeof tenant>;
const money = (currencyCode: string, minor: number) => ({ currencyCode, amountMinor: String(minor) });

/** A tenant with a product, a pipeline, rules, and a lead, a deal and an order for a contact. */
async function world(who: Who, contactId: string, email: string) {
  await api.createProduct(who, { product: { sku: "SKU-1", name: "Seat", prices: [money("EUR", 1_000)], billing: "recurring" } }).catch(() => undefined);
  const pipeline = (await api.createPipeline(who, { pipeline: { name: "P", stages: [{ name: "Open", probability: 20 }, { name: "Won", kind: "won" }, { name: "Lost", kind: "lost" }] } })).pipeline!;
  const lead = (await api.createLead(who, { lead: { person: { givenName: "Sam", familyName: "Vimes", email, phone: "+44 20 7946 0000", title: "Commander" }, company: { name: "City Watch" }, contactId } })).lead!;
  const deal = (await api.createDeal(who, { deal: { name: "Deal", pipelineId: pipeline.id, amount: money("EUR", 5_000), stakeholders: [{ contactId, role: "decision_maker" }] } })).deal!;
  const order = (await api.createOrder(who, { order: { contactId, currencyCode: "EUR", lines: [{ sku: "SKU-1", quantity: 2 }] } })).order!;
  return { lead, deal, order };
}

describe("contact fates", () => {
  it("makes leads, deals, orders, behaviour and value follow the survivor of a merge", async () => {
    const who = tenant("merge");
    await api.setScoringRules(who, { rules: [{ id: "visit", type: "behaviour", behaviour: "web_visit", points: 10 }] });
    const [survivor, merged] = [uuidv7(), uuidv7()];
    const mine = await world(who, merged, "sam@watch.example");
    await api.createOrder(who, { order: { contactId: survivor, currencyCode: "EUR", lines: [{ sku: "SKU-1", quantity: 1 }] } });
    await producer.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, who.tenantId, { interactionId: uuidv7(), kind: "web_visit", contactIds: [merged], occurTime: new Date() });
    await waitFor(async () => ((await api.getLead(who, { id: mine.lead.id })).lead!.score === 10 ? true : undefined));

    await producer.publish("crm.contacts.contact.merged", eventsV1.ContactMerged, who.tenantId, { survivorId: survivor, mergedId: merged, mergeId: uuidv7() });
    // The merge moves leads, then deals and orders, then computes both values again: wait for its last step.
    await waitFor(async () => ((await api.getCustomerValue(who, { customerType: "contact", customerId: survivor })).values.some((v) => v.orderCount === "2") ? true : undefined));
    const lead = await waitFor(async () => {
      const { lead: found } = await api.getLead(who, { id: mine.lead.id });
      return found!.contactId === survivor ? found! : undefined;
    });
    expect(lead.score).toBe(10);
    expect((await api.getDeal(who, { id: mine.deal.id })).deal!.stakeholders).toEqual([{ contactId: survivor, role: "decision_maker" }]);
    expect((await api.getOrder(who, { id: mine.order.id })).order!.contactId).toBe(survivor);
    const value = await api.getCustomerValue(who, { customerType: "contact", customerId: survivor });
    expect(value.values.map((v) => [v.lifetimeValueMinor, v.orderCount])).toEqual([["3000", "2"]]);
    expect((await api.getCustomerValue(who, { customerType: "contact", customerId: merged })).values).toEqual([]);
    // The survivor's behaviour is the merged contact's too: a new lead of the survivor scores it.
    const fresh = (await api.createLead(who, { lead: { name: "Again", contactId: survivor } })).lead!;
    expect(fresh.score).toBe(10);
  });

  it("erases a subject's leads, anonymises its orders and deals, confirms with counts, and exports what it held first", async () => {
    const who = tenant("erasure");
    const contactId = uuidv7();
    const mine = await world(who, contactId, "sam@watch.example");
    const byEmail = (await api.createLead(who, { lead: { person: { givenName: "Samuel", email: "SAM@watch.example" } } })).lead!;
    const other = (await api.createLead(who, { lead: { person: { givenName: "Nobby", email: "nobby@watch.example" } } })).lead!;

    const participant = new subjectDataV1.SubjectDataServiceClient(harness.address, credentials.createInsecure());
    const exported = await callUnary(participant.exportSubjectData.bind(participant), { requestId: uuidv7(), contactId, emails: ["sam@watch.example"], phones: [] }, await as({ ...who, subject: "service:consent", roles: ["service"] }));
    participant.close();
    const data = JSON.parse(exported.dataJson);
    expect(data.leads.map((l: { id: string }) => l.id).sort()).toEqual([mine.lead.id, byEmail.id].sort());
    expect(data.orders).toHaveLength(1);
    expect(data.deals).toEqual([{ id: mine.deal.id, name: "Deal", role: "decision_maker" }]);

    const requestId = uuidv7();
    const request = eventsV1.SubjectErasureRequested.fromPartial({ meta: { tenantId: who.tenantId, eventId: uuidv7(), occurTime: new Date() }, requestId, contactId, emails: ["sam@watch.example"], deployment });
    await producer.publish(ERASURE_REQUESTED.subject, eventsV1.SubjectErasureRequested, who.tenantId, request);
    const confirmed = await published.next((e) => e.subject === "crm.sales-pipeline.subject.erasure_completed" && eventsV1.SubjectErasureCompleted.decode(e.payload).requestId === requestId, 15_000);
    // Two leads and the customer value erased; the order and the deal anonymised.
    expect(eventsV1.SubjectErasureCompleted.decode(confirmed.payload)).toMatchObject({ service: "sales-pipeline", erased: "3", anonymised: "2" });

    const erased = (await api.getLead(who, { id: mine.lead.id })).lead!;
    expect(erased).toMatchObject({ name: "City Watch", contactId: "", person: { givenName: "", familyName: "", email: "", phone: "", title: "" }, company: { name: "City Watch" } });
    expect((await api.getLead(who, { id: byEmail.id })).lead!.person!.email).toBe("");
    expect((await api.getLead(who, { id: other.id })).lead!.person!.email).toBe("nobby@watch.example");
    const order = (await api.getOrder(who, { id: mine.order.id })).order!;
    expect(order).toMatchObject({ contactId: "", buyerErased: true, total: money("EUR", 2_000) });
    expect((await api.getDeal(who, { id: mine.deal.id })).deal!.stakeholders).toEqual([]);
    expect((await api.getCustomerValue(who, { customerType: "contact", customerId: contactId })).values).toEqual([]);
  });
});
