import { readdir, readFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf } from "@crm/kit";
import { commonV1, consentV1, eventsV1, marketingCampaignV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import {
  call, campaignIn, campaignInput, createPurpose, grantConsents, grpcError, importPeople, publishAs, startDependencies, startTestService, suppress, tenant,
  type Dependencies,
} from "./support";

// The whole service in this process, with the real contacts and consent services as processes,
// against the real FerretDB, NATS and Redis; its events seen on NATS, its messages in an outbox folder.
let dependencies: Dependencies;
let harness: Awaited<ReturnType<typeof startTestService>>;
let published: EventWatcher;
let outbox: string;

beforeAll(async () => {
  outbox = await mkdtemp(path.join(tmpdir(), "campaign-outbox-"));
  dependencies = await startDependencies();
  harness = await startTestService("campaigns", dependencies, { CAMPAIGN_OUTBOX_DIR: outbox });
  published = await EventWatcher.start("crm.marketing-campaign.>");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
  await dependencies?.stop();
});

const { CampaignStatus, SegmentKind, BehaviourKind } = marketingCampaignV1;
const client = () => harness.client;
const tagFilter = (tag: string) => commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "tags", comparator: commonV1.Comparator.COMPARATOR_EQ, values: [tag] } } });

/** The files the file provider wrote for a campaign, each with its recipient (X-Crm-Contact-ID) and text. */
async function outboxOf(tenantId: string, campaignId: string): Promise<Array<{ file: string; contactId: string; text: string }>> {
  const dir = path.join(outbox, tenantId, campaignId);
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(path.join(dir, file), "utf8");
      return { file, contactId: /^X-Crm-Contact-ID: (\S+)$/m.exec(text)?.[1] ?? "", text };
    }),
  );
}

describe("segments", () => {
  it("saves a dynamic segment, previews its size and a sample, and refuses a filter the contacts service does not know", async () => {
    const owner = tenant("segments");
    const ids = await importPeople(dependencies.contacts, owner, [
      { externalId: "1", givenName: "Ada", familyName: "Lovelace", email: "ada@example.com", tags: "vip" },
      { externalId: "2", givenName: "Alan", familyName: "Turing", email: "alan@example.com", tags: "vip" },
      { externalId: "3", givenName: "Grace", familyName: "Hopper", email: "grace@example.com" },
    ]);
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: " VIPs ", description: "", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, filter: tagFilter("vip"), behaviour: [], contactIds: [] }, requestId: "" });
    expect(segment).toMatchObject({ name: "VIPs", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, etag: 'W/"1"' });
    expect(segment!.filter).toEqual(tagFilter("vip"));
    const preview = await call(client(), owner, "previewSegment", { subject: { $case: "segmentId", segmentId: segment!.id }, sampleSize: 1 });
    expect(preview.size).toBe("2");
    expect(preview.sample).toHaveLength(1);
    expect([ids.get("1"), ids.get("2")]).toContain(preview.sample[0]!.contactId);

    const unknownField = commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "shoeSize", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["9"] } } });
    const refused = await grpcError(call(client(), owner, "createSegment", { segment: { name: "Bad", description: "", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, filter: unknownField, behaviour: [], contactIds: [] }, requestId: "" }));
    expect(refused.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(refused)[0]!.field).toBe("segment.filter.shoeSize");
  });

  it("combines the filter with behaviour from other services' events: purchases, lifetime value, open deals, tickets", async () => {
    const owner = tenant("behaviour");
    const ids = await importPeople(dependencies.contacts, owner, [
      { externalId: "buyer", givenName: "Big", familyName: "Buyer", email: "big@example.com" },
      { externalId: "small", givenName: "Small", familyName: "Buyer", email: "small@example.com" },
      { externalId: "none", givenName: "No", familyName: "Buyer", email: "no@example.com" },
    ]);
    const [big, small, none] = ["buyer", "small", "none"].map((key) => ids.get(key)!);
    const order = (orderId: string, contactId: string, amount: number, skus: string[]) =>
      publishAs("sales-pipeline", "crm.sales-pipeline.order.placed", "crm.events.v1.OrderPlaced", owner.tenantId, eventsV1.OrderPlaced, { orderId, contactId, total: { currencyCode: "EUR", amountMinor: String(amount) }, skus });
    await order("o1", big!, 150_000, ["SKU-1", "SKU-2"]);
    await order("o2", small!, 2_000, ["SKU-1"]);
    await order("o3", small!, 900_000, ["SKU-9"]);
    await publishAs("sales-pipeline", "crm.sales-pipeline.order.status_changed", "crm.events.v1.OrderStatusChanged", owner.tenantId, eventsV1.OrderStatusChanged, {
      orderId: "o3", contactId: small, total: { currencyCode: "EUR", amountMinor: "900000" }, skus: ["SKU-9"], fromStatus: "placed", toStatus: "refunded",
    });
    await publishAs("sales-pipeline", "crm.sales-pipeline.deal.stage_changed", "crm.events.v1.DealStageChanged", owner.tenantId, eventsV1.DealStageChanged, {
      dealId: "d1", toStageId: "negotiation", contactIds: [none],
    });
    for (const ticketId of ["t1", "t2", "t3"]) {
      await publishAs("support-tickets", "crm.support-tickets.ticket.opened", "crm.events.v1.TicketOpened", owner.tenantId, eventsV1.TicketOpened, { ticketId, subject: "Help", requesterId: none });
    }
    const preview = async (behaviour: Partial<marketingCampaignV1.BehaviourCondition>[]) => {
      const input = { name: "b", description: "", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, filter: undefined, contactIds: [], behaviour: behaviour.map((c) => marketingCampaignV1.BehaviourCondition.fromPartial(c)) };
      const answer = await call(client(), owner, "previewSegment", { subject: { $case: "segment", segment: input }, sampleSize: 10 });
      return answer.sample.map((member) => member.contactId).sort();
    };
    // The projection is fed by consumers: wait until it has seen the last events.
    const ticketsOver2 = { kind: BehaviourKind.BEHAVIOUR_KIND_TICKETS_OVER, count: 2 };
    for (const deadline = Date.now() + 15_000; (await preview([ticketsOver2])).length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
    expect(await preview([ticketsOver2])).toEqual([none]);
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_TICKETS_OVER, count: 3 }])).toEqual([]);
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_PURCHASED_PRODUCT, sku: "SKU-1" }])).toEqual([big, small].sort());
    // The refunded order does not count.
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_PURCHASED_PRODUCT, sku: "SKU-9" }])).toEqual([]);
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_LIFETIME_VALUE_OVER, amount: { currencyCode: "EUR", amountMinor: "100000" } }])).toEqual([big]);
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_OPEN_DEAL_IN_STAGE, stageId: "negotiation" }])).toEqual([none]);
    expect(await preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_PURCHASED_PRODUCT, sku: "SKU-1", negate: true }])).toEqual([none]);
    const invalid = await grpcError(preview([{ kind: BehaviourKind.BEHAVIOUR_KIND_LIFETIME_VALUE_OVER, amount: { currencyCode: "EUX", amountMinor: "1" } }]));
    expect(fieldViolationsOf(invalid)).toEqual([{ field: "segment.behaviour[0].amount.currencyCode", description: "is not an ISO 4217 currency code" }]);
  }, 60_000);
});

describe("campaigns", () => {
  it("sends to everyone eligible once, excludes the others by reason, personalises with fallbacks, and publishes its events", async () => {
    const owner = tenant("send");
    const ids = await importPeople(dependencies.contacts, owner, [
      { externalId: "ok1", givenName: "Ada", familyName: "Lovelace", email: "ada@example.com", tags: "news" },
      { externalId: "ok2", givenName: "", familyName: "Turing", email: "alan@example.com", tags: "news" },
      { externalId: "noconsent", givenName: "Grace", familyName: "Hopper", email: "grace@example.com", tags: "news" },
      { externalId: "suppressed", givenName: "Edsger", familyName: "Dijkstra", email: "edsger@example.com", tags: "news" },
      { externalId: "noemail", givenName: "Barbara", familyName: "Liskov", phone: "+48601000001", tags: "news" },
      { externalId: "other", givenName: "Ken", familyName: "Thompson", email: "ken@example.com" },
    ]);
    const purposeId = await createPurpose(dependencies.consent, owner);
    await grantConsents(dependencies.consent, owner, purposeId, ["ok1", "ok2", "suppressed", "noemail", "other"].map((key) => ids.get(key)!));
    await suppress(dependencies.consent, owner, "edsger@example.com");
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: "News", description: "", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, filter: tagFilter("news"), behaviour: [], contactIds: [] }, requestId: "" });
    const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
    expect(campaign).toMatchObject({ status: CampaignStatus.CAMPAIGN_STATUS_DRAFT, etag: 'W/"1"' });
    await call(client(), owner, "sendCampaign", { id: campaign!.id, etag: campaign!.etag });
    const sent = await campaignIn(client(), owner, campaign!.id, CampaignStatus.CAMPAIGN_STATUS_SENT);
    expect(sent).toMatchObject({ audience: "5", sent: "2", audienceBuilt: true });
    expect(Object.fromEntries(sent.excluded.map((e) => [e.reason, Number(e.count)]))).toMatchObject({ no_address: 1, suppressed: 1, no_consent: 1, hard_bounced: 0 });

    const files = await outboxOf(owner.tenantId, campaign!.id);
    expect(files.map((file) => file.contactId).sort()).toEqual([ids.get("ok1"), ids.get("ok2")].sort());
    const ada = files.find((file) => file.contactId === ids.get("ok1"))!;
    expect(ada.text).toContain("Subject: Hello Ada");
    expect(ada.text).toContain("Dear Ada Lovelace,");
    expect(ada.text).toMatch(/^To: ada@example\.com/m);
    // No given name: the placeholders' fallbacks.
    expect(files.find((file) => file.contactId === ids.get("ok2"))!.text).toContain("Dear friend Turing,");

    for (const contactId of [ids.get("ok1"), ids.get("ok2")]) {
      await published.next((e) => e.subject === "crm.marketing-campaign.campaign.message_sent" && eventsV1.CampaignMessageSent.decode(e.payload).contactId === contactId);
    }
    const done = await published.next((e) => e.subject === "crm.marketing-campaign.campaign.sent" && eventsV1.CampaignSent.decode(e.payload).campaignId === campaign!.id);
    expect(eventsV1.CampaignSent.decode(done.payload)).toMatchObject({ audience: "5", sent: "2" });
    expect(published.seen((e) => e.subject === "crm.marketing-campaign.campaign.scheduled" && eventsV1.CampaignScheduled.decode(e.payload).campaignId === campaign!.id)).toHaveLength(1);

    const history = await call(client(), owner, "listContactMessages", { contactId: ids.get("ok1")!, page: undefined });
    expect(history.messages).toEqual([expect.objectContaining({ campaignId: campaign!.id, campaignName: "Spring news", variant: "a", contactId: ids.get("ok1") })]);

    // A sent campaign cannot be sent again.
    const again = await grpcError(call(client(), owner, "sendCampaign", { id: campaign!.id, etag: "" }));
    expect(again.code).toBe(Status.FAILED_PRECONDITION);
  }, 90_000);

  it("refuses a campaign with an unknown purpose or segment and variants that do not add up, naming each field", async () => {
    const owner = tenant("invalid");
    const refused = await grpcError(
      call(client(), owner, "createCampaign", {
        campaign: campaignInput({
          purposeId: "00000000-0000-7000-8000-000000000000",
          segmentId: "00000000-0000-7000-8000-000000000000",
          variants: [
            { key: "a", weight: 50, subject: "Hi", body: "Hello {{shoeSize}}" },
            { key: "a", weight: 30, subject: "Hi", body: "Hello" },
          ],
        }),
        requestId: "",
      }),
    );
    expect(refused.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(refused).map((v) => v.field).sort()).toEqual(["campaign.variants", "campaign.variants[0].body", "campaign.variants[1].key"]);
    const purposeId = await createPurpose(dependencies.consent, owner);
    const unknownSegment = await grpcError(call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: "00000000-0000-7000-8000-000000000000" }), requestId: "" }));
    expect(fieldViolationsOf(unknownSegment)).toEqual([{ field: "campaign.segmentId", description: "names no segment of this tenant" }]);
  });

  it("schedules in the campaign's time zone, and pauses, resumes and cancels by the rules", async () => {
    const owner = tenant("schedule");
    const purposeId = await createPurpose(dependencies.consent, owner);
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: "All", description: "", kind: SegmentKind.SEGMENT_KIND_DYNAMIC, filter: undefined, behaviour: [], contactIds: [] }, requestId: "" });
    const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
    const scheduled = (await call(client(), owner, "scheduleCampaign", { id: campaign!.id, localTime: "2099-07-01T09:00", timeZone: "Europe/Warsaw", etag: "" })).campaign!;
    expect(scheduled).toMatchObject({ status: CampaignStatus.CAMPAIGN_STATUS_SCHEDULED, timeZone: "Europe/Warsaw", scheduleTime: new Date("2099-07-01T07:00:00Z") });
    const stale = await grpcError(call(client(), owner, "scheduleCampaign", { id: campaign!.id, localTime: "2099-12-01T09:00", timeZone: "Europe/Warsaw", etag: campaign!.etag }));
    expect(stale.code).toBe(Status.FAILED_PRECONDITION);
    const winter = (await call(client(), owner, "scheduleCampaign", { id: campaign!.id, localTime: "2099-12-01T09:00", timeZone: "Europe/Warsaw", etag: scheduled.etag })).campaign!;
    expect(winter.scheduleTime).toEqual(new Date("2099-12-01T08:00:00Z"));
    const badZone = await grpcError(call(client(), owner, "scheduleCampaign", { id: campaign!.id, localTime: "2099-12-01T09:00", timeZone: "Mars/Olympus", etag: "" }));
    expect(fieldViolationsOf(badZone)[0]!.field).toBe("timeZone");
    expect((await call(client(), owner, "pauseCampaign", { id: campaign!.id })).campaign!.status).toBe(CampaignStatus.CAMPAIGN_STATUS_PAUSED);
    expect((await call(client(), owner, "resumeCampaign", { id: campaign!.id })).campaign!.status).toBe(CampaignStatus.CAMPAIGN_STATUS_SCHEDULED);
    expect((await call(client(), owner, "cancelCampaign", { id: campaign!.id })).campaign!.status).toBe(CampaignStatus.CAMPAIGN_STATUS_CANCELLED);
    expect((await grpcError(call(client(), owner, "resumeCampaign", { id: campaign!.id }))).code).toBe(Status.FAILED_PRECONDITION);
  });

  it("stops a pending send when the consent is withdrawn after the audience was built, and pauses and resumes a send", async () => {
    const owner = tenant("withdrawn");
    const names = ["a1", "a2", "a3", "a4", "a5", "a6"];
    const ids = await importPeople(dependencies.contacts, owner, names.map((name) => ({ externalId: name, givenName: name, familyName: "Slow", email: `${name}@example.com` })));
    const purposeId = await createPurpose(dependencies.consent, owner);
    await grantConsents(dependencies.consent, owner, purposeId, [...ids.values()]);
    // One message a second: the send takes a while, pending recipients wait their turn.
    await call(client(), owner, "updateCampaignSettings", { settings: { sendRatePerSecond: 1, softBounceLimit: 0, softBounceWindowDays: 0, etag: "" }, updateMask: ["sendRatePerSecond"] });
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: "Slow", description: "", kind: SegmentKind.SEGMENT_KIND_STATIC, filter: undefined, behaviour: [], contactIds: [...ids.values()] }, requestId: "" });
    const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
    await call(client(), owner, "sendCampaign", { id: campaign!.id, etag: "" });
    for (const deadline = Date.now() + 20_000; !(await call(client(), owner, "getCampaign", { id: campaign!.id })).campaign!.audienceBuilt; ) {
      if (Date.now() > deadline) throw new Error("the audience was not built");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const leaver = ids.get("a6")!;
    await call(dependencies.consent, owner, "recordConsents", {
      consents: [consentV1.ConsentInput.fromPartial({ subjectId: leaver, purposeId, channel: consentV1.Channel.CHANNEL_EMAIL, action: consentV1.ConsentAction.CONSENT_ACTION_WITHDRAW, source: consentV1.ConsentSource.CONSENT_SOURCE_FORM })],
    });
    const paused = (await call(client(), owner, "pauseCampaign", { id: campaign!.id })).campaign!;
    expect(paused.status).toBe(CampaignStatus.CAMPAIGN_STATUS_PAUSED);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const whilePaused = (await outboxOf(owner.tenantId, campaign!.id)).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Paused: nothing more leaves, not even the batch that waited for the rate.
    expect((await outboxOf(owner.tenantId, campaign!.id)).length).toBe(whilePaused);
    expect(whilePaused).toBe(0);
    await call(client(), owner, "resumeCampaign", { id: campaign!.id });
    const sent = await campaignIn(client(), owner, campaign!.id, CampaignStatus.CAMPAIGN_STATUS_SENT, 30_000);
    expect(sent.sent).toBe("5");
    expect(Object.fromEntries(sent.excluded.map((e) => [e.reason, Number(e.count)]))).toMatchObject({ consent_withdrawn: 1 });
    expect((await outboxOf(owner.tenantId, campaign!.id)).map((file) => file.contactId)).not.toContain(leaver);
  }, 60_000);

  it("sends text messages to the contacts' phones under their SMS consent", async () => {
    const owner = tenant("sms");
    const ids = await importPeople(dependencies.contacts, owner, [
      { externalId: "mobile", givenName: "Ada", familyName: "Lovelace", phone: "+48601000001", email: "ada@example.com" },
      { externalId: "emailonly", givenName: "Alan", familyName: "Turing", email: "alan@example.com" },
      { externalId: "emailconsent", givenName: "Grace", familyName: "Hopper", phone: "+48601000003" },
    ]);
    const purposeId = await createPurpose(dependencies.consent, owner, "Texts");
    await grantConsents(dependencies.consent, owner, purposeId, [ids.get("mobile")!, ids.get("emailonly")!], consentV1.Channel.CHANNEL_SMS);
    await grantConsents(dependencies.consent, owner, purposeId, [ids.get("emailconsent")!], consentV1.Channel.CHANNEL_EMAIL);
    const { segment } = await call(client(), owner, "createSegment", { segment: { name: "All", description: "", kind: SegmentKind.SEGMENT_KIND_STATIC, filter: undefined, behaviour: [], contactIds: [...ids.values()] }, requestId: "" });
    const variants = [{ key: "a", weight: 100, subject: "", body: "Hi {{givenName}}, 20% off today." }];
    const { campaign } = await call(client(), owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id, channel: marketingCampaignV1.CampaignChannel.CAMPAIGN_CHANNEL_SMS, variants }), requestId: "" });
    await call(client(), owner, "sendCampaign", { id: campaign!.id, etag: "" });
    const sent = await campaignIn(client(), owner, campaign!.id, CampaignStatus.CAMPAIGN_STATUS_SENT);
    expect(Object.fromEntries(sent.excluded.filter((e) => e.count !== "0").map((e) => [e.reason, Number(e.count)]))).toEqual({ no_address: 1, no_consent: 1 });
    const files = await outboxOf(owner.tenantId, campaign!.id);
    expect(files.map((file) => file.file)).toEqual([expect.stringMatching(/\.sms\.txt$/)]);
    expect(files[0]!.text).toMatch(/^To: \+48601000001$/m);
    expect(files[0]!.text).toContain("Hi Ada, 20% off today.");
  }, 60_000);
});
