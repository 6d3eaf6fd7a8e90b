import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { eventsV1, salesPipelineV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { apiOf, FakeProducer, grpcError, startTestService, tenant, waitFor, where, type DeepPartial, type TestService } from "./support";

// Leads and their scores on the real FerretDB, NATS and Redis: behaviour arrives as the
// interactions and marketing-campaign services publish it; rules are the tenant's.
let harness: TestService;
let api: ReturnType<typeof apiOf>;
let producer: FakeProducer;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("sales_leads");
  api = apiOf(harness.client);
  producer = await FakeProducer.connect();
  published = await EventWatcher.start("crm.sales-pipeline.lead.>");
});
afterAll(async () => {
  await published?.stop();
  await producer?.close();
  await harness?.stop();
});

const rule = (fields: Partial<salesPipelineV1.ScoringRule>) => salesPipelineV1.ScoringRule.fromPartial(fields);
const RULES = [
  rule({ id: "title", type: "attribute", attribute: "title", match: "contains", values: ["director"], points: 15 }),
  rule({ id: "opened", type: "behaviour", behaviour: "campaign_opened", points: 20, halfLifeDays: 30, maxOccurrences: 3 }),
  rule({ id: "visit", type: "behaviour", behaviour: "web_visit", points: 5 }),
  rule({ id: "meeting", type: "behaviour", behaviour: "meeting", points: 30 }),
];
const newLead = (identity: ReturnType<typeof tenant>, fields: DeepPartial<salesPipelineV1.LeadInput> = {}) =>
  api.createLead(identity, { lead: { person: { givenName: "Dana", familyName: "Scully", email: "dana@fbi.example", title: "Director of Research" }, source: "web_form", ...fields } }).then((r) => r.lead!);
const scoreOf = (identity: ReturnType<typeof tenant>, id: string, score: number) =>
  waitFor(async () => {
    const { lead } = await api.getLead(identity, { id });
    return lead!.score === score ? lead! : undefined;
  }, 15_000);

describe("leads", () => {
  it("scores a lead by the tenant's rules, then again when behaviour of its contact arrives, with reasons and history", async () => {
    const owner = tenant("scoring");
    await api.setScoringRules(owner, { rules: RULES });
    const contactId = uuidv7();
    const created = await newLead(owner, { contactId });
    expect(created).toMatchObject({ score: 15, status: "new", name: "Dana Scully", scoreReasons: [{ ruleId: "title", points: 15, description: '+15 title contains "director"' }] });

    const opened = new Date(Date.now() - 60_000);
    await producer.publish("crm.marketing-campaign.campaign.response_recorded", eventsV1.CampaignResponseRecorded, owner.tenantId, { campaignId: "c1", campaignName: "Spring launch", contactId, response: "opened" }, { occurredAt: opened });
    const afterOpen = await scoreOf(owner, created.id, 35);
    expect(afterOpen.scoreReasons.map((r) => r.description)).toContain(`+20 opened campaign Spring launch on ${opened.toISOString().slice(0, 10)}`);

    const visit = { interactionId: uuidv7(), kind: "web_visit", contactIds: [contactId, uuidv7()], occurTime: new Date(), summary: "Pricing page" };
    const eventId = await producer.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, owner.tenantId, visit);
    await scoreOf(owner, created.id, 40);
    // The same event again (a redelivery) changes nothing.
    await producer.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, owner.tenantId, visit, { eventId: uuidv7() });
    await producer.publish("crm.interactions.interaction.logged", eventsV1.InteractionLogged, owner.tenantId, { ...visit, interactionId: uuidv7(), kind: "meeting", summary: "Demo" });
    const afterMeeting = await scoreOf(owner, created.id, 70);
    expect(afterMeeting.scoreReasons.map((r) => r.description)).toEqual(expect.arrayContaining([expect.stringMatching(/^\+5 web visit: Pricing page on /), expect.stringMatching(/^\+30 meeting: Demo on /)]));
    expect(eventId).toBeTruthy();

    const { changes } = await api.listLeadScoreHistory(owner, { leadId: created.id });
    expect(changes.map((c) => [c.previousScore, c.score, c.cause])).toEqual([[40, 70, "behaviour"], [35, 40, "behaviour"], [15, 35, "behaviour"], [0, 15, "created"]]);
    const event = await published.next((e) => e.subject === "crm.sales-pipeline.lead.score_changed" && eventsV1.LeadScoreChanged.decode(e.payload).score === 70);
    expect(eventsV1.LeadScoreChanged.decode(event.payload)).toMatchObject({ leadId: created.id, previousScore: 40, cause: "behaviour", contactId });
  });

  it("scores every lead again when the rules change, and keeps the history", async () => {
    const owner = tenant("rules");
    const first = await api.setScoringRules(owner, { rules: [RULES[0]!] });
    const [a, b] = [await newLead(owner), await newLead(owner, { person: { givenName: "Fox", familyName: "Mulder", title: "Agent" } })];
    expect([a.score, b.score]).toEqual([15, 0]);
    const stale = first.rules!.etag;
    await api.setScoringRules(owner, { rules: [rule({ ...RULES[0], points: 40 }), rule({ id: "fbi", type: "attribute", attribute: "tag", values: ["fbi"], points: 7 })], etag: stale });
    const again = await grpcError(api.setScoringRules(owner, { rules: [], etag: stale }));
    expect(again.code).toBe(Status.FAILED_PRECONDITION);
    await scoreOf(owner, a.id, 40);
    const { changes } = await api.listLeadScoreHistory(owner, { leadId: a.id });
    expect(changes[0]).toMatchObject({ previousScore: 15, score: 40, cause: "rules_changed" });
    const { lead } = await api.updateLead(owner, { id: b.id, lead: { tags: ["FBI"] }, updateMask: ["tags"], etag: (await api.getLead(owner, { id: b.id })).lead!.etag });
    expect(lead).toMatchObject({ score: 7, tags: ["fbi"], scoreReasons: [{ description: "+7 tag is fbi" }] });
  });

  it("filters and orders leads by score with the shared filter language", async () => {
    const owner = tenant("filter");
    await api.setScoringRules(owner, { rules: [rule({ id: "size", type: "attribute", attribute: "company_size", values: ["201-1000"], points: 30 }), rule({ id: "pl", type: "attribute", attribute: "country", values: ["PL"], points: 20 })] });
    await newLead(owner, { name: "Small", company: { name: "Tiny", size: "1-10" } });
    await newLead(owner, { name: "Mid PL", company: { name: "Mid", size: "201-1000" }, country: "pl" });
    await newLead(owner, { name: "Mid", company: { name: "Mid2", size: "201-1000" } });
    const ordered = await api.listLeads(owner, { orderBy: [{ field: "score", descending: true }] });
    expect(ordered.leads.map((l) => [l.name, l.score])).toEqual([["Mid PL", 50], ["Mid", 30], ["Small", 0]]);
    const hot = await api.listLeads(owner, { filter: where("score", "gte", "30"), orderBy: [{ field: "score", descending: false }] });
    expect(hot.leads.map((l) => l.name)).toEqual(["Mid", "Mid PL"]);
  });

  it("refuses bad input and stale etags, changing nothing", async () => {
    const owner = tenant("invalid");
    const bad = await grpcError(newLead(owner, { status: "converted", country: "Poland", person: { email: "x" } }));
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(["lead.person.email", "lead.country", "lead.status"]);
    const lead = await newLead(owner);
    await api.updateLead(owner, { id: lead.id, lead: { status: "contacted" }, updateMask: ["status"], etag: lead.etag });
    const stale = await grpcError(api.updateLead(owner, { id: lead.id, lead: { status: "qualified" }, updateMask: ["status"], etag: lead.etag }));
    expect(stale.code).toBe(Status.FAILED_PRECONDITION);
    expect((await api.getLead(owner, { id: lead.id })).lead!.status).toBe("contacted");
    const rules = await grpcError(api.setScoringRules(owner, { rules: [rule({ type: "behaviour", behaviour: "sleeping", points: 1 })] }));
    expect(fieldViolationsOf(rules)).toEqual([{ field: "rules[0].behaviour", description: expect.stringContaining("must be one of") }]);
    expect((await api.listLeads(tenant("other"), {})).leads).toEqual([]);
  });
});
