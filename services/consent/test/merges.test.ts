import { uuidv7 } from "@crm/kit";
import { commonV1, consentV1, eventsV1 } from "@crm/proto";
import { call, Channel, ConsentAction, consentInput, createPurpose, record, startTestService, tenant, waitFor, type ConsentHarness } from "./support";

// contact.merged as the contacts service publishes it, consumed by the service on the real NATS.
let harness: ConsentHarness;

beforeAll(async () => {
  harness = await startTestService("merges");
});
afterAll(async () => {
  await harness?.stop();
});

async function publishMerge(tenantId: string, merge: { survivorId: string; mergedId: string; mergeId: string }) {
  const eventId = uuidv7();
  const payload = eventsV1.ContactMerged.encode({ meta: { eventId, tenantId, occurTime: new Date(), actor: "user-1" }, ...merge }).finish();
  await harness.service.runtime.bus.publish({ subject: "crm.contacts.contact.merged", type: "crm.events.v1.ContactMerged", tenantId, eventId, payload });
}
const bySubject = (subjectId: string) => ({ node: { $case: "condition" as const, condition: { field: "subjectId", comparator: commonV1.Comparator.COMPARATOR_EQ, values: [subjectId] } } });
const { ConsentStatus, ConsentSource } = consentV1;

describe("contact.merged", () => {
  it("moves the merged contact's consents to the survivor, keeps the most restrictive on a conflict and records why, once", async () => {
    const owner = tenant("merge");
    const [news, offers] = [await createPurpose(harness, owner, { key: "news" }), await createPurpose(harness, owner, { key: "offers", name: "Offers" })];
    const [survivorId, mergedId, mergeId] = [uuidv7(), uuidv7(), uuidv7()];
    const withdraw = ConsentAction.CONSENT_ACTION_WITHDRAW;
    await record(
      harness,
      owner,
      consentInput({ subjectId: mergedId, purposeId: news.id }),
      consentInput({ subjectId: mergedId, purposeId: news.id, channel: Channel.CHANNEL_SMS }),
      consentInput({ subjectId: mergedId, purposeId: offers.id, action: withdraw }),
      consentInput({ subjectId: mergedId, purposeId: offers.id, channel: Channel.CHANNEL_PHONE }),
      consentInput({ subjectId: survivorId, purposeId: news.id }),
      consentInput({ subjectId: survivorId, purposeId: offers.id }),
      consentInput({ subjectId: survivorId, purposeId: offers.id, channel: Channel.CHANNEL_PHONE, action: withdraw }),
    );
    const history = async () =>
      (await call(harness, owner, "listConsentHistory", consentV1.ListConsentHistoryRequest.fromPartial({ filter: bySubject(survivorId), orderBy: [{ field: "seq", descending: false }] }))).entries;
    const before = (await history()).length;

    await publishMerge(owner.tenantId, { survivorId, mergedId, mergeId });
    const added = await waitFor(async () => {
      const entries = (await history()).slice(before);
      return entries.length === 3 ? entries : undefined;
    });
    const consents = (await call(harness, owner, "listConsents", consentV1.ListConsentsRequest.fromPartial({ filter: bySubject(survivorId) }))).consents;
    const state = (purposeId: string, channel: number) => consents.find((c) => c.purposeId === purposeId && c.channel === channel);
    expect(state(news.id, Channel.CHANNEL_EMAIL)).toMatchObject({ status: ConsentStatus.CONSENT_STATUS_GRANTED, source: ConsentSource.CONSENT_SOURCE_FORM });
    expect(state(news.id, Channel.CHANNEL_SMS)).toMatchObject({ status: ConsentStatus.CONSENT_STATUS_GRANTED, source: ConsentSource.CONSENT_SOURCE_MERGE });
    expect(state(offers.id, Channel.CHANNEL_EMAIL)).toMatchObject({ status: ConsentStatus.CONSENT_STATUS_WITHDRAWN, source: ConsentSource.CONSENT_SOURCE_MERGE });
    expect(state(offers.id, Channel.CHANNEL_PHONE)).toMatchObject({ status: ConsentStatus.CONSENT_STATUS_WITHDRAWN });
    expect(added.map((entry) => [entry.purposeId, entry.channel, entry.source, entry.recordedBy])).toEqual(
      expect.arrayContaining([
        [news.id, Channel.CHANNEL_SMS, ConsentSource.CONSENT_SOURCE_MERGE, "service:consent"],
        [offers.id, Channel.CHANNEL_EMAIL, ConsentSource.CONSENT_SOURCE_MERGE, "service:consent"],
        [offers.id, Channel.CHANNEL_PHONE, ConsentSource.CONSENT_SOURCE_MERGE, "service:consent"],
      ]),
    );
    expect(added.find((e) => e.channel === Channel.CHANNEL_EMAIL)!.note).toContain(`contact ${mergedId} had withdrawn, this one had granted; the most restrictive state is kept`);
    expect(added.find((e) => e.channel === Channel.CHANNEL_PHONE)!.note).toContain("this one had withdrawn");

    // The same merge again (a redelivery under a new event id): nothing more.
    await publishMerge(owner.tenantId, { survivorId, mergedId, mergeId });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await history()).toHaveLength(before + 3);
    expect(await call(harness, owner, "verifyLedger", {})).toMatchObject({ intact: true });
  });
});
