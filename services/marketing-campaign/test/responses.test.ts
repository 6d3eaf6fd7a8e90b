import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, ERASURE_REQUESTED, EventBus, uuidv7, type Identity } from "@crm/kit";
import { commonV1, consentV1, eventsV1, marketingCampaignV1 } from "@crm/proto";
import { EventWatcher, testInfra } from "@crm/testing";
import {
  call, campaignIn, campaignInput, createPurpose, grantConsents, importPeople, publishAs, startDependencies, startTestService, tenant, waitFor,
  type Dependencies,
} from "./support";

// Responses as the provider reports them (the gateway's signed webhook calls RecordResponses),
// against the real consent service: bounce rules, unsubscribes, duplicates, influence on deals won.
let dependencies: Dependencies;
let harness: Awaited<ReturnType<typeof startTestService>>;
let published: EventWatcher;

beforeAll(async () => {
  dependencies = await startDependencies();
  harness = await startTestService("responses", dependencies, { CAMPAIGN_OUTBOX_DIR: await mkdtemp(path.join(tmpdir(), "campaign-outbox-")) });
  published = await EventWatcher.start("crm.marketing-campaign.>");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
  await dependencies?.stop();
});

const { CampaignStatus, SegmentKind, ResponseType, BounceKind, ResponseOutcome } = marketingCampaignV1;
const client = () => harness.client;

/** A tenant with these people (all consenting, all with e-mail) and a campaign sent to them: its id and each person's message id. */
async function sentCampaign(owner: Identity, people: string[]) {
  const ids = await importPeople(dependencies.contacts, owner, people.map((name) => ({ externalId: name, givenName: name, familyName: "Test", email: `${name}@example.com` })));
  const purposeId = await createPurpose(dependencies.consent, owner);
  await grantConsents(dependencies.consent, owner, purposeId, [...ids.values()]);
  const { segment } = await call(client(), owner, "createSegment", { segment: { name: "All", description: "", kind: SegmentKind.SEGMENT_KIND_STATIC, filter: undefined, behaviour: [], contactIds: [...ids.values()] }, requestId: "" });
  const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
  await call(client(), owner, "sendCampaign", { id: campaign!.id, etag: "" });
  await campaignIn(client(), owner, campaign!.id, CampaignStatus.CAMPAIGN_STATUS_SENT);
  const messageOf = new Map<string, string>();
  for (const [name, contactId] of ids) {
    const { messages } = await call(client(), owner, "listContactMessages", { contactId, page: undefined });
    messageOf.set(name, messages[0]!.messageId);
  }
  return { campaignId: campaign!.id, purposeId, contactOf: ids, messageOf };
}

const event = (messageId: string, type: marketingCampaignV1.ResponseType, fields: Partial<marketingCampaignV1.ProviderEvent> = {}) =>
  marketingCampaignV1.ProviderEvent.fromPartial({ eventId: uuidv7(), messageId, type, occurTime: new Date(), ...fields });
const report = async (owner: Identity, ...events: marketingCampaignV1.ProviderEvent[]) => (await call(client(), owner, "recordResponses", { events })).outcomes;

async function suppressed(owner: Identity, address: string): Promise<boolean> {
  const filter = commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "address", comparator: commonV1.Comparator.COMPARATOR_EQ, values: [address] } } });
  const { suppressions } = await call(dependencies.consent, owner, "listSuppressions", { filter, orderBy: [], page: undefined });
  return suppressions.length > 0;
}

async function metrics(owner: Identity, id: string) {
  return (await call(client(), owner, "getCampaignMetrics", { id })).total!;
}

describe("responses", () => {
  it("records each provider event once: a webhook delivered again changes nothing", async () => {
    const owner = tenant("dedupe");
    const { campaignId, messageOf, contactOf } = await sentCampaign(owner, ["ada", "alan"]);
    const opened = event(messageOf.get("ada")!, ResponseType.RESPONSE_TYPE_OPENED);
    expect(await report(owner, opened, event(messageOf.get("ada")!, ResponseType.RESPONSE_TYPE_DELIVERED))).toEqual([ResponseOutcome.RESPONSE_OUTCOME_RECORDED, ResponseOutcome.RESPONSE_OUTCOME_RECORDED]);
    expect(await report(owner, opened)).toEqual([ResponseOutcome.RESPONSE_OUTCOME_DUPLICATE]);
    // A second open (another provider event) is a response of its own, but the message counts as opened once.
    await report(owner, event(messageOf.get("ada")!, ResponseType.RESPONSE_TYPE_OPENED));
    expect(await report(owner, event(uuidv7(), ResponseType.RESPONSE_TYPE_OPENED))).toEqual([ResponseOutcome.RESPONSE_OUTCOME_UNKNOWN_MESSAGE]);
    expect(await metrics(owner, campaignId)).toMatchObject({ sent: "2", delivered: "1", opened: "1", openRate: 0.5, deliveryRate: 0.5, clicked: "0" });
    await published.next((e) => e.subject === "crm.marketing-campaign.campaign.response_recorded" && eventsV1.CampaignResponseRecorded.decode(e.payload).messageId === messageOf.get("ada"));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recorded = published.seen((e) => e.subject === "crm.marketing-campaign.campaign.response_recorded" && eventsV1.CampaignResponseRecorded.decode(e.payload).messageId === messageOf.get("ada"));
    expect(recorded.map((e) => eventsV1.CampaignResponseRecorded.decode(e.payload).response).sort()).toEqual(["delivered", "opened", "opened"]);
    // The contact's history shows every response.
    const history = await call(client(), owner, "listContactMessages", { contactId: contactOf.get("ada")!, page: undefined });
    expect(history.messages[0]!.responses.map((r) => r.response).sort()).toEqual(["delivered", "opened", "opened"]);
  }, 60_000);

  it("applies the tenant's bounce rules: soft bounces suppress at the limit within the window, a hard bounce or complaint at once, auto-replies never", async () => {
    const owner = tenant("bounces");
    await call(client(), owner, "updateCampaignSettings", { settings: { sendRatePerSecond: 100, softBounceLimit: 2, softBounceWindowDays: 7, etag: "" }, updateMask: ["softBounceLimit", "softBounceWindowDays"] });
    const { campaignId, messageOf } = await sentCampaign(owner, ["soft", "hard", "complaint", "auto", "old"]);
    const bounce = (name: string, bounceKind: marketingCampaignV1.BounceKind, occurTime = new Date()) => event(messageOf.get(name)!, ResponseType.RESPONSE_TYPE_BOUNCED, { bounceKind, occurTime });

    expect(await report(owner, bounce("auto", BounceKind.BOUNCE_KIND_AUTO_REPLY), bounce("auto", BounceKind.BOUNCE_KIND_AUTO_REPLY))).toEqual([ResponseOutcome.RESPONSE_OUTCOME_IGNORED, ResponseOutcome.RESPONSE_OUTCOME_IGNORED]);
    expect(await suppressed(owner, "auto@example.com")).toBe(false);

    const first = bounce("soft", BounceKind.BOUNCE_KIND_SOFT);
    await report(owner, first);
    await report(owner, first); // the same event again does not count twice
    expect(await suppressed(owner, "soft@example.com")).toBe(false);
    await report(owner, bounce("soft", BounceKind.BOUNCE_KIND_SOFT));
    expect(await suppressed(owner, "soft@example.com")).toBe(true);

    // Two soft bounces, but one outside the window.
    await report(owner, bounce("old", BounceKind.BOUNCE_KIND_SOFT, new Date(Date.now() - 10 * 86_400_000)), bounce("old", BounceKind.BOUNCE_KIND_SOFT));
    expect(await suppressed(owner, "old@example.com")).toBe(false);

    await report(owner, bounce("hard", BounceKind.BOUNCE_KIND_HARD), event(messageOf.get("complaint")!, ResponseType.RESPONSE_TYPE_COMPLAINED));
    expect(await suppressed(owner, "hard@example.com")).toBe(true);
    expect(await suppressed(owner, "complaint@example.com")).toBe(true);
    expect(await metrics(owner, campaignId)).toMatchObject({ sent: "5", bounced: "3", complained: "1", bounceRate: 0.6 });

    // The next campaign to them excludes the hard-bounced address as such.
    const purposeId = await createPurpose(dependencies.consent, owner, "Second");
    const contacts = await importPeopleIds(owner);
    await grantConsents(dependencies.consent, owner, purposeId, contacts);
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: "Again", description: "", kind: SegmentKind.SEGMENT_KIND_STATIC, filter: undefined, behaviour: [], contactIds: contacts }, requestId: "" });
    const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
    await call(client(), owner, "sendCampaign", { id: campaign!.id, etag: "" });
    const second = await campaignIn(client(), owner, campaign!.id, CampaignStatus.CAMPAIGN_STATUS_SENT);
    expect(Object.fromEntries(second.excluded.map((e) => [e.reason, Number(e.count)]))).toMatchObject({ hard_bounced: 2, suppressed: 1 });
    expect(second.sent).toBe("4");
  }, 90_000);

  it("withdraws the consent in the consent service when a recipient unsubscribes", async () => {
    const owner = tenant("unsubscribe");
    const { purposeId, contactOf, messageOf, campaignId } = await sentCampaign(owner, ["leaver", "stayer"]);
    const unsubscribe = event(messageOf.get("leaver")!, ResponseType.RESPONSE_TYPE_UNSUBSCRIBED);
    expect(await report(owner, unsubscribe)).toEqual([ResponseOutcome.RESPONSE_OUTCOME_RECORDED]);
    const check = await call(dependencies.consent, owner, "checkConsents", {
      purposeId, channel: consentV1.Channel.CHANNEL_EMAIL,
      subjects: [{ subjectId: contactOf.get("leaver")!, address: "" }, { subjectId: contactOf.get("stayer")!, address: "" }],
    });
    expect(check.allowed).toEqual([false, true]);
    expect(check.reasons[0]).toBe(consentV1.CheckReason.CHECK_REASON_WITHDRAWN);
    const { entries } = await call(dependencies.consent, owner, "listConsentHistory", {
      filter: commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "subjectId", comparator: commonV1.Comparator.COMPARATOR_EQ, values: [contactOf.get("leaver")!] } } }),
      orderBy: [], page: undefined,
    });
    expect(entries.filter((entry) => entry.action === consentV1.ConsentAction.CONSENT_ACTION_WITHDRAW)).toEqual([
      expect.objectContaining({ source: consentV1.ConsentSource.CONSENT_SOURCE_UNSUBSCRIBE_LINK, purposeId }),
    ]);
    // Reported again: nothing more is recorded.
    expect(await report(owner, unsubscribe)).toEqual([ResponseOutcome.RESPONSE_OUTCOME_DUPLICATE]);
    expect(await metrics(owner, campaignId)).toMatchObject({ unsubscribed: "1", unsubscribeRate: 0.5 });
  }, 60_000);

  it("credits a deal won to the campaigns its contacts responded to before the win, with the amount", async () => {
    const owner = tenant("influence");
    const { campaignId, contactOf, messageOf } = await sentCampaign(owner, ["clicker", "silent", "late"]);
    await report(owner, event(messageOf.get("clicker")!, ResponseType.RESPONSE_TYPE_CLICKED, { url: "https://example.com/offer" }));
    const won = (dealId: string, contacts: string[], amountMinor: string) =>
      publishAs("sales-pipeline", "crm.sales-pipeline.deal.won", "crm.events.v1.DealWon", owner.tenantId, eventsV1.DealWon, {
        dealId, name: dealId, contactIds: contacts.map((name) => contactOf.get(name)!), amount: { currencyCode: "EUR", amountMinor },
      });
    await won("d1", ["clicker", "silent"], "250000");
    await won("d2", ["silent"], "990000");
    await won("d3", ["late"], "120000");
    // Responded after its deal was won: no influence.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await report(owner, event(messageOf.get("late")!, ResponseType.RESPONSE_TYPE_OPENED));
    await won("d1", ["clicker", "silent"], "250000"); // the same deal again: counted once
    const figures = await waitFor(async () => {
      const total = await metrics(owner, campaignId);
      return total.influencedDeals === "1" ? total : undefined;
    }, 15_000);
    expect(figures).toMatchObject({ influencedDeals: "1", influencedAmounts: [{ currencyCode: "EUR", amountMinor: "250000" }], clicked: "1", opened: "2" });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await metrics(owner, campaignId)).influencedDeals).toBe("1");
  }, 60_000);
});

describe("contacts' fates", () => {
  it("moves a merged contact's history to its survivor, and anonymises an erased subject's messages", async () => {
    const owner = tenant("fates");
    const { contactOf, campaignId } = await sentCampaign(owner, ["survivor", "merged", "erased"]);
    await publishAs("contacts", "crm.contacts.contact.merged", "crm.events.v1.ContactMerged", owner.tenantId, eventsV1.ContactMerged, {
      survivorId: contactOf.get("survivor"), mergedId: contactOf.get("merged"), mergeId: uuidv7(),
    });
    const history = await waitFor(async () => {
      const { messages } = await call(client(), owner, "listContactMessages", { contactId: contactOf.get("survivor")!, page: undefined });
      return messages.length === 2 ? messages : undefined;
    }, 15_000);
    expect(history.every((message) => message.contactId === contactOf.get("survivor"))).toBe(true);

    const bus = await EventBus.connect(testInfra().natsUrl, "consent-test", createLogger("consent-test", "silent"));
    const requestId = uuidv7();
    const request = eventsV1.SubjectErasureRequested.fromPartial({ meta: { tenantId: owner.tenantId }, requestId, contactId: contactOf.get("erased")!, emails: ["erased@example.com"], deployment: harness.deployment });
    await bus.publish({ subject: ERASURE_REQUESTED.subject, type: "crm.events.v1.SubjectErasureRequested", tenantId: owner.tenantId, eventId: uuidv7(), payload: eventsV1.SubjectErasureRequested.encode(request).finish() });
    await bus.close();
    const confirmed = await published.next((e) => e.subject === "crm.marketing-campaign.subject.erasure_completed" && eventsV1.SubjectErasureCompleted.decode(e.payload).requestId === requestId, 15_000);
    expect(eventsV1.SubjectErasureCompleted.decode(confirmed.payload).deployment).toBe(harness.deployment);
    expect(Number(eventsV1.SubjectErasureCompleted.decode(confirmed.payload).anonymised)).toBeGreaterThanOrEqual(2);
    expect((await call(client(), owner, "listContactMessages", { contactId: contactOf.get("erased")!, page: undefined })).messages).toEqual([]);
    // The campaign's figures stay.
    expect(await metrics(owner, campaignId)).toMatchObject({ sent: "3" });
  }, 60_000);
});

/** Every contact of the tenant. */
async function importPeopleIds(owner: Identity): Promise<string[]> {
  return [...(await importPeople(dependencies.contacts, owner, [{ externalId: "new1", givenName: "New", familyName: "One", email: "new1@example.com" }, { externalId: "new2", givenName: "New", familyName: "Two", email: "new2@example.com" }])).values()];
}
