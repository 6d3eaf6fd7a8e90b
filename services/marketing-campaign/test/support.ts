import { Metadata, status as Status } from "@grpc/grpc-js";
import {
  callUnary, createLogger, EventBus, IDENTITY_METADATA_KEY, identityKey, signIdentity, uuidv7,
  type Identity, type MessageCodec, type RequestOf, type ResponseOf, type UnaryMethod,
} from "@crm/kit";
import { consentV1, contactsV1, marketingCampaignV1 } from "@crm/proto";
import { createGrpcClient } from "@crm/kit";
import { TEST_IDENTITY_KEY, startInProcess, startPlatform, testInfra, uniqueName, type PlatformOptions } from "@crm/testing";
import { startMarketingCampaign } from "../src/app";
import { loadMarketingCampaignConfig } from "../src/config";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity, timeoutMs = 30_000) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs, retry: false };
}

/** Calls one unary method of a generated client as this identity: `call(client, owner, "getCampaign", { id })`. */
export async function call<C extends object, M extends keyof C & string>(client: C, identity: Identity, method: M, request: RequestOf<C[M]>): Promise<ResponseOf<C[M]>> {
  const bound = (client[method] as unknown as UnaryMethod<RequestOf<C[M]>, ResponseOf<C[M]>>).bind(client);
  return callUnary(bound, request, await as(identity));
}

/**
 * The services this one calls (contacts, consent) as real processes on free ports, against the
 * real infrastructure, with gRPC clients to them; and, to start on top of them, this service.
 */
export async function startDependencies(options: PlatformOptions = {}) {
  const platform = await startPlatform({ services: ["contacts", "consent"], ...options });
  const contacts = createGrpcClient(contactsV1.ContactsServiceClient, platform.addresses.contacts!);
  const consent = createGrpcClient(consentV1.ConsentServiceClient, platform.addresses.consent!);
  return {
    platform,
    contacts,
    consent,
    async stop() {
      contacts.close();
      consent.close();
      await platform.stop();
    },
  };
}

export type Dependencies = Awaited<ReturnType<typeof startDependencies>>;

/**
 * This service in this process on free ports, calling the dependencies' contacts and consent, in
 * a deployment of its own: erasure requests of other tests' services (on the same NATS) are not
 * its business, and its confirmations are told apart from theirs.
 */
export async function startTestService(name: string, dependencies: Dependencies, env: Record<string, string> = {}) {
  const deployment = uniqueName(`deployment_${name}`);
  const harness = await startInProcess(name, (base) => startMarketingCampaign(loadMarketingCampaignConfig(base)), marketingCampaignV1.MarketingCampaignServiceClient, {
    env: {
      DEPLOYMENT: deployment,
      CONTACTS_ADDRESS: dependencies.platform.addresses.contacts!,
      CONSENT_ADDRESS: dependencies.platform.addresses.consent!,
      CAMPAIGN_POLL_MS: "200",
      CAMPAIGN_LEASE_MS: "3000",
      CAMPAIGN_RETRY_MS: "500",
      ...env,
    },
  });
  return { ...harness, deployment };
}

/** Metadata carrying the identity, signed now, for a streaming call. */
async function metadataFor(identity: Identity): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set(IDENTITY_METADATA_KEY, await signIdentity(identity, identityKey(TEST_IDENTITY_KEY), 600));
  return metadata;
}

/** A person as the CSV import takes it; an external id to find it by. */
export interface PersonRow {
  externalId: string;
  givenName: string;
  familyName: string;
  email?: string;
  phone?: string;
  tags?: string;
}

const csvCell = (value: string | undefined) => (value && /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : (value ?? ""));

/**
 * Creates many contacts at once through the contacts service's CSV import (a job: the file is
 * streamed, then the job polled), and answers their ids by external id.
 */
export async function importPeople(contacts: contactsV1.ContactsServiceClient, identity: Identity, rows: PersonRow[], timeoutMs = 120_000): Promise<Map<string, string>> {
  const { job } = await call(contacts, identity, "createImportJob", {
    options: contactsV1.ImportOptions.fromPartial({
      entity: contactsV1.ImportEntity.IMPORT_ENTITY_CONTACTS, naturalKey: "external_id", onDuplicate: contactsV1.DuplicatePolicy.DUPLICATE_POLICY_CREATE,
    }),
  });
  const csv = ["externalId,givenName,familyName,email,phone,tags", ...rows.map((row) => [row.externalId, row.givenName, row.familyName, row.email, row.phone, row.tags].map(csvCell).join(","))].join("\n") + "\n";
  const uploadMetadata = await metadataFor(identity);
  await new Promise<void>((resolve, reject) => {
    const upload = contacts.uploadImportFile(uploadMetadata, (error) => (error ? reject(error) : resolve()));
    upload.write({ part: { $case: "jobId", jobId: job!.id } });
    const bytes = Buffer.from(csv);
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) upload.write({ part: { $case: "chunk", chunk: bytes.subarray(offset, offset + 64 * 1024) } });
    upload.write({ part: { $case: "endOfFile", endOfFile: true } });
    upload.end();
  });
  const done = [contactsV1.ImportStatus.IMPORT_STATUS_COMPLETED, contactsV1.ImportStatus.IMPORT_STATUS_FAILED];
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const { job: current } = await call(contacts, identity, "getImportJob", { id: job!.id });
    if (done.includes(current!.status)) {
      if (current!.status !== contactsV1.ImportStatus.IMPORT_STATUS_COMPLETED || Number(current!.failed) > 0) {
        throw new Error(`import failed: ${current!.failureReason} ${JSON.stringify(current!.errors.slice(0, 3))}`);
      }
      break;
    }
    if (Date.now() > deadline) throw new Error("the import did not finish in time");
  }
  const ids = new Map<string, string>();
  // Signed now: the import may have taken longer than a token made before it lives.
  const stream = contacts.streamContacts({ search: "", afterId: "", batchSize: 1000 }, await metadataFor(identity));
  for await (const batch of stream as AsyncIterable<contactsV1.StreamContactsResponse>) for (const contact of batch.contacts) ids.set(contact.externalId, contact.id);
  return ids;
}

/** An opt-in purpose of the consent service. */
export async function createPurpose(consent: consentV1.ConsentServiceClient, identity: Identity, name = "Newsletter"): Promise<string> {
  const { purpose } = await call(consent, identity, "createPurpose", {
    purpose: consentV1.PurposeInput.fromPartial({ name, lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_CONSENT, optMode: consentV1.OptMode.OPT_MODE_OPT_IN, noticeText: "Our news, monthly." }),
    requestId: "",
  });
  return purpose!.id;
}

/** Grants consent for the purpose on the channel to each subject, a thousand per call. */
export async function grantConsents(consent: consentV1.ConsentServiceClient, identity: Identity, purposeId: string, subjectIds: string[], channel = consentV1.Channel.CHANNEL_EMAIL): Promise<void> {
  for (let start = 0; start < subjectIds.length; start += 1000) {
    const consents = subjectIds.slice(start, start + 1000).map((subjectId) =>
      consentV1.ConsentInput.fromPartial({ subjectId, purposeId, channel, action: consentV1.ConsentAction.CONSENT_ACTION_GRANT, source: consentV1.ConsentSource.CONSENT_SOURCE_FORM }),
    );
    await callUnary(consent.recordConsents.bind(consent), { consents }, await as(identity, 120_000));
  }
}

export async function suppress(consent: consentV1.ConsentServiceClient, identity: Identity, address: string): Promise<void> {
  await call(consent, identity, "addSuppression", { suppression: { type: consentV1.SuppressionType.SUPPRESSION_TYPE_EMAIL, address, reason: "test" }, requestId: "" });
}

/** Publishes an event as its producer would (another service being built, or one not started here). */
export async function publishAs<T>(producer: string, subject: string, type: string, tenantId: string, codec: MessageCodec<T> & { fromPartial(m: never): T }, fields: object): Promise<void> {
  const bus = await EventBus.connect(testInfra().natsUrl, `${producer}-test`, createLogger(`${producer}-test`, "silent"));
  try {
    const stream = `CRM_${producer.toUpperCase().replaceAll("-", "_")}`;
    await bus.ensureStream(stream, [`crm.${producer}.>`]);
    const eventId = uuidv7();
    const meta = { eventId, tenantId, occurTime: new Date(), actor: "test", ...((fields as { meta?: object }).meta ?? {}) };
    const payload = codec.encode(codec.fromPartial({ ...fields, meta } as never)).finish();
    await bus.publish({ subject, type, tenantId, eventId, payload });
  } finally {
    await bus.close();
  }
}

/** A campaign's input with the fields a test does not care about filled in. */
export function campaignInput(fields: Partial<marketingCampaignV1.CampaignInput> & Pick<marketingCampaignV1.CampaignInput, "purposeId" | "segmentId">): marketingCampaignV1.CampaignInput {
  return marketingCampaignV1.CampaignInput.fromPartial({
    name: "Spring news",
    channel: marketingCampaignV1.CampaignChannel.CAMPAIGN_CHANNEL_EMAIL,
    variants: [{ key: "a", weight: 100, subject: "Hello {{givenName|there}}", body: "Dear {{givenName|friend}} {{familyName}},\nour spring news." }],
    fromAddress: "News <news@example.com>",
    ...fields,
  });
}

/** Waits for a campaign to reach a status. */
export async function campaignIn(client: marketingCampaignV1.MarketingCampaignServiceClient, identity: Identity, id: string, status: marketingCampaignV1.CampaignStatus, timeoutMs = 60_000) {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    // The service may be restarting (a crash test): its channel is then unavailable for a while.
    const campaign = await call(client, identity, "getCampaign", { id }).then(
      (answer) => answer.campaign!,
      (error: { code?: number }) => {
        if (error.code === Status.UNAVAILABLE && Date.now() < deadline) return undefined;
        throw error;
      },
    );
    if (campaign?.status === status) return campaign;
    if (Date.now() > deadline) throw new Error(`campaign ${id} is ${campaign ? marketingCampaignV1.CampaignStatus[campaign.status] : "unreachable"}, not ${marketingCampaignV1.CampaignStatus[status]}`);
  }
}
