import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createGrpcClient } from "@crm/kit";
import { commonV1, eventsV1, marketingCampaignV1 } from "@crm/proto";
import { EventWatcher, type PlatformProcess } from "@crm/testing";
import { call, campaignIn, campaignInput, createPurpose, grantConsents, importPeople, startDependencies, suppress, tenant, type Dependencies, type PersonRow } from "./support";

// The send job across a crash: 10 000 contacts, of which some have no e-mail, some no consent
// and some a suppressed address; the service (a real process) is killed (SIGKILL) half way
// through the send and started again; every eligible contact gets exactly one message, no
// ineligible one any, and the exclusions are counted by reason.
const CONTACTS = 10_000;
const kindOf = (i: number): "no_address" | "no_consent" | "suppressed" | "eligible" =>
  i % 25 === 0 ? "no_address" : i % 20 === 1 ? "no_consent" : i % 40 === 3 ? "suppressed" : "eligible";

let dependencies: Dependencies;
let service: PlatformProcess;
let client: marketingCampaignV1.MarketingCampaignServiceClient;
let outbox: string;
let published: EventWatcher;

beforeAll(async () => {
  outbox = await mkdtemp(path.join(tmpdir(), "campaign-crash-"));
  dependencies = await startDependencies({
    services: ["contacts", "consent", "marketing-campaign"],
    serviceEnv: { "marketing-campaign": { CAMPAIGN_OUTBOX_DIR: outbox, CAMPAIGN_POLL_MS: "200", CAMPAIGN_LEASE_MS: "2000", CAMPAIGN_SEND_BATCH: "100" } },
  });
  service = dependencies.platform.processes.find((process) => process.name === "marketing-campaign")!;
  client = createGrpcClient(marketingCampaignV1.MarketingCampaignServiceClient, dependencies.platform.addresses["marketing-campaign"]!);
  published = await EventWatcher.start("crm.marketing-campaign.campaign.message_sent");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  client?.close();
  await dependencies?.stop();
});

/** Each file in the campaign's outbox folder and the contact it went to. */
async function filesOf(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".eml"));
}

it("sends each eligible contact exactly one message across a crash of the sender, none to the others, and counts the exclusions", async () => {
  const owner = tenant("crash");
  const rows: PersonRow[] = Array.from({ length: CONTACTS }, (_, i) => ({
    externalId: `p${i}`, givenName: `Given${i}`, familyName: `Family${i}`, tags: "spring",
    ...(kindOf(i) === "no_address" ? { phone: `+4860${String(1_000_000 + i).padStart(7, "0")}` } : { email: `person${i}@example.com` }),
  }));
  // The suppressions need no contact ids: added while the contacts are imported.
  const suppressing = (async () => {
    for (const [i, row] of rows.entries()) if (kindOf(i) === "suppressed") await suppress(dependencies.consent, owner, row.email!);
  })();
  const [ids, purposeId] = await Promise.all([importPeople(dependencies.contacts, owner, rows, 180_000), createPurpose(dependencies.consent, owner)]);
  expect(ids.size).toBe(CONTACTS);
  await grantConsents(dependencies.consent, owner, purposeId, rows.filter((_, i) => kindOf(i) !== "no_consent").map((row) => ids.get(row.externalId)!));
  await suppressing;

  await call(client, owner, "updateCampaignSettings", { settings: { sendRatePerSecond: 600, softBounceLimit: 0, softBounceWindowDays: 0, etag: "" }, updateMask: ["sendRatePerSecond"] });
  const filter = commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "tags", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["spring"] } } });
  const { segment } = await call(client, owner, "createSegment", { segment: { name: "Spring", description: "", kind: marketingCampaignV1.SegmentKind.SEGMENT_KIND_DYNAMIC, filter, behaviour: [], contactIds: [] }, requestId: "" });
  const { campaign } = await call(client, owner, "createCampaign", { campaign: campaignInput({ purposeId, segmentId: segment!.id }), requestId: "" });
  await call(client, owner, "sendCampaign", { id: campaign!.id, etag: "" });

  // Half way through the send: killed, as a crash would, then started again.
  const dir = path.join(outbox, owner.tenantId, campaign!.id);
  for (const deadline = Date.now() + 120_000; (await filesOf(dir)).length < 4_000; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error("the send did not get half way");
  }
  await service.kill();
  const atCrash = (await filesOf(dir)).length;
  expect(atCrash).toBeLessThan(8_000);
  await service.restart();

  const sent = await campaignIn(client, owner, campaign!.id, marketingCampaignV1.CampaignStatus.CAMPAIGN_STATUS_SENT, 180_000);
  const expected = { eligible: 0, no_address: 0, no_consent: 0, suppressed: 0 };
  rows.forEach((_, i) => expected[kindOf(i)]++);
  expect(sent).toMatchObject({ audience: String(CONTACTS), sent: String(expected.eligible) });
  expect(Object.fromEntries(sent.excluded.filter((e) => e.count !== "0").map((e) => [e.reason, Number(e.count)]))).toEqual({
    no_address: expected.no_address, no_consent: expected.no_consent, suppressed: expected.suppressed,
  });

  // Every file names its recipient: exactly the eligible contacts, each once.
  const files = await filesOf(dir);
  const recipients = await Promise.all(files.map(async (name) => /^X-Crm-Contact-ID: (\S+)$/m.exec(await readFile(path.join(dir, name), "utf8"))?.[1]));
  const eligible = rows.filter((_, i) => kindOf(i) === "eligible").map((row) => ids.get(row.externalId)!);
  expect(recipients.length).toBe(eligible.length);
  expect(new Set(recipients).size).toBe(eligible.length);
  expect([...new Set(recipients)].sort()).toEqual(eligible.sort());

  // And one campaign.message_sent per recipient (by event id: a relay that published again after the crash repeats the same id).
  // Events a crash left in outboxes are published by the relay's sweep after the restart.
  const eventsByContact = new Map<string, Set<string>>();
  let read = 0;
  for (const deadline = Date.now() + 60_000; eventsByContact.size < eligible.length && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const events = published.seen(() => true);
    for (const event of events.slice(read)) {
      const sentTo = eventsV1.CampaignMessageSent.decode(event.payload);
      if (sentTo.campaignId === campaign!.id) eventsByContact.set(sentTo.contactId, (eventsByContact.get(sentTo.contactId) ?? new Set()).add(event.headers["Nats-Msg-Id"]!));
    }
    read = events.length;
  }
  expect(eventsByContact.size).toBe(eligible.length);
  expect([...eventsByContact.values()].every((eventIds) => eventIds.size === 1)).toBe(true);
}, 420_000);
