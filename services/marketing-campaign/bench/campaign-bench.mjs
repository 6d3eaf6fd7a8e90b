// Benchmark of the marketing-campaign service (scripts/bench-campaigns.sh runs it): contacts (on
// the contacts benchmark's seeded database), consent and marketing-campaign as processes, as
// @crm/testing's startPlatform runs them.
//  1. consents: an opt-out purpose, 10 % of the contacts objecting, 1 % of the addresses suppressed;
//  2. audience build: a campaign to every contact of the tenant, timed from the send until its
//     audience is complete: the contacts streamed (StreamContacts, batches of 500), the consent
//     service asked per batch (CheckConsents), every recipient stored with its reason or variant;
//  3. sending: from the complete audience until the campaign is sent, to the file provider, with
//     the tenant's rate beyond reach: messages per second.
// Prints figures; checks the counts (no figure of a wrong answer).
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { callUnary, createGrpcClient, identityKey, signIdentity } from "@crm/kit";
import { consentV1, contactsV1, marketingCampaignV1 } from "@crm/proto";
import { startPlatform, TEST_IDENTITY_KEY, testInfra } from "@crm/testing";
import mongoose from "mongoose";

const rows = Number(process.env.ROWS ?? 100_000);
const identity = { subject: "bench", tenantId: "bench", roles: ["admin"], scopes: [] };
const key = identityKey(TEST_IDENTITY_KEY);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const log = (...parts) => console.log(...parts);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

log(`load average at start: ${load()} (${process.env.NPROC ?? "?"} cores, shared)`);
const outbox = await mkdtemp(path.join(tmpdir(), "campaign-bench-"));
const platform = await startPlatform({
  services: ["contacts", "consent", "marketing-campaign"],
  serviceEnv: {
    contacts: { MONGODB_DATABASE: process.env.CONTACTS_DATABASE },
    "marketing-campaign": { CAMPAIGN_OUTBOX_DIR: outbox, CAMPAIGN_POLL_MS: "100", CAMPAIGN_SEND_BATCH: "500", CAMPAIGN_SEND_CONCURRENCY: "32" },
  },
});
const clientOf = (Client, service) => createGrpcClient(Client, platform.addresses[service]);
const contacts = clientOf(contactsV1.ContactsServiceClient, "contacts");
const consent = clientOf(consentV1.ConsentServiceClient, "consent");
const campaigns = clientOf(marketingCampaignV1.MarketingCampaignServiceClient, "marketing-campaign");
const call = async (client, method, request) =>
  callUnary(client[method].bind(client), request, { identityToken: await signIdentity(identity, key, 3600), timeoutMs: 600_000, retry: false });

try {
  // The contacts' ids and addresses, as a stream reads them (ids in order).
  const everyone = [];
  const metadata = new (await import("@grpc/grpc-js")).Metadata();
  metadata.set("x-crm-identity", await signIdentity(identity, key, 3600));
  let started = performance.now();
  for await (const batch of contacts.streamContacts({ search: "", afterId: "", batchSize: 1000 }, metadata)) {
    for (const contact of batch.contacts) everyone.push({ id: contact.id, email: contact.emails[0]?.address ?? "" });
  }
  if (everyone.length !== rows) throw new Error(`the contacts database holds ${everyone.length} contacts of tenant bench, not ${rows}`);
  log(`stream alone: ${rows} contacts in ${seconds(performance.now() - started)}`);

  // 1. Consents.
  const { purpose } = await call(consent, "createPurpose", {
    purpose: consentV1.PurposeInput.fromPartial({ name: "Newsletter", lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_LEGITIMATE_INTEREST, optMode: consentV1.OptMode.OPT_MODE_OPT_OUT, noticeText: "News." }),
    requestId: "",
  });
  const objecting = everyone.filter((_, i) => i % 10 === 3);
  for (let start = 0; start < objecting.length; start += 1_000) {
    await call(consent, "recordConsents", {
      consents: objecting.slice(start, start + 1_000).map(({ id }) =>
        consentV1.ConsentInput.fromPartial({ subjectId: id, purposeId: purpose.id, channel: 1, action: consentV1.ConsentAction.CONSENT_ACTION_WITHDRAW, source: 3 }),
      ),
    });
  }
  const suppressed = everyone.filter((_, i) => i % 100 === 7);
  for (const { email } of suppressed) await call(consent, "addSuppression", { suppression: { type: 1, address: email, reason: "bench" }, requestId: "" });
  log(`consents: ${objecting.length} objections, ${suppressed.length} suppressions`);

  // 2 and 3. The campaign.
  await call(campaigns, "updateCampaignSettings", { settings: { sendRatePerSecond: 10_000, softBounceLimit: 3, softBounceWindowDays: 30, etag: "" }, updateMask: ["sendRatePerSecond"] });
  const { segment } = await call(campaigns, "createSegment", { segment: { name: "Everyone", description: "", kind: 1, filter: undefined, behaviour: [], contactIds: [] }, requestId: "" });
  const { campaign } = await call(campaigns, "createCampaign", {
    campaign: marketingCampaignV1.CampaignInput.fromPartial({
      name: "Bench", purposeId: purpose.id, segmentId: segment.id, channel: 1, fromAddress: "Bench <bench@example.com>",
      variants: [{ key: "a", weight: 50, subject: "Hi {{givenName}}", body: "Dear {{givenName|friend}} {{familyName}}, news." }, { key: "b", weight: 50, subject: "News", body: "Hello {{givenName}}." }],
    }),
    requestId: "",
  });
  started = performance.now();
  await call(campaigns, "sendCampaign", { id: campaign.id, etag: "" });
  let built;
  let current;
  for (;;) {
    current = (await call(campaigns, "getCampaign", { id: campaign.id })).campaign;
    if (!built && current.audienceBuilt) built = performance.now();
    if (current.status === marketingCampaignV1.CampaignStatus.CAMPAIGN_STATUS_SENT) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const done = performance.now();
  const excluded = Object.fromEntries(current.excluded.filter((e) => e.count !== "0").map((e) => [e.reason, Number(e.count)]));
  const sent = Number(current.sent);
  if (Number(current.audience) !== rows || sent + (excluded.consent_withdrawn ?? 0) + (excluded.suppressed ?? 0) !== rows) {
    throw new Error(`unexpected counts: audience ${current.audience}, sent ${sent}, excluded ${JSON.stringify(excluded)}`);
  }
  const buildMs = built - started;
  const sendMs = done - built;
  log(`audience build (stream + consent check + snapshot) of ${rows} contacts: ${seconds(buildMs)}, ${Math.round(rows / (buildMs / 1000))} contacts/s; excluded ${JSON.stringify(excluded)}`);
  log(`send to the file provider: ${sent} messages in ${seconds(sendMs)}, ${Math.round(sent / (sendMs / 1000))} messages/s`);
} finally {
  log(`load average at end: ${load()}`);
  for (const client of [contacts, consent, campaigns]) client.close();
  await platform.stop();
  const mongo = await mongoose.createConnection(testInfra().mongodbUrl).asPromise();
  for (const [service, database] of Object.entries(platform.databases)) if (service !== "contacts") await mongo.useDb(database).dropDatabase();
  await mongo.close();
  await rm(outbox, { recursive: true, force: true });
}
