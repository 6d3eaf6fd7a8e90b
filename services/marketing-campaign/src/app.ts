import { ServiceRuntime } from "@crm/kit";
import { ConsentClient } from "./clients/consent-client";
import { ContactsClient } from "./clients/contacts-client";
import type { MarketingCampaignConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { ResponseRecorder } from "./rpc/response-recorder";
import { marketingCampaignService } from "./rpc/marketing-campaign-service";
import { AudienceBuilder } from "./sending/audience-builder";
import { CampaignRunner } from "./sending/campaign-runner";
import type { ChannelProvider } from "./sending/channel-provider";
import { FileProvider } from "./sending/file-provider";
import { SegmentMembers } from "./sending/segment-members";
import { SmtpProvider } from "./sending/smtp-provider";
import { TenantThrottle } from "./sending/throttle";
import { createAddressStateModel } from "./store/address-state.model";
import { AddressStates } from "./store/address-states";
import { BehaviourRepository } from "./store/behaviour-repository";
import { CampaignRepository } from "./store/campaign-repository";
import { createCampaignModel } from "./store/campaign.model";
import { createDealModel } from "./store/deal.model";
import { InfluenceRepository } from "./store/influence-repository";
import { createInfluenceModel } from "./store/influence.model";
import { MessageRepository } from "./store/message-repository";
import { createMessageModel } from "./store/message.model";
import { createOrderModel } from "./store/order.model";
import { RecipientRepository } from "./store/recipient-repository";
import { createRecipientModel } from "./store/recipient.model";
import { ResponseRepository } from "./store/response-repository";
import { createResponseModel } from "./store/response.model";
import { SegmentRepository } from "./store/segment-repository";
import { createSegmentModel } from "./store/segment.model";
import { SettingsRepository } from "./store/settings-repository";
import { createSettingsModel } from "./store/settings.model";
import { SubjectErasure } from "./store/subject-erasure";
import { SubjectExporter } from "./store/subject-export";
import { createTicketModel } from "./store/ticket.model";

/** The channel provider the configuration names. */
function providerOf(config: MarketingCampaignConfig): ChannelProvider {
  if (config.CAMPAIGN_PROVIDER === "smtp") {
    return new SmtpProvider({
      host: config.SMTP_HOST!, port: config.SMTP_PORT, secure: config.SMTP_SECURE, user: config.SMTP_USER, password: config.SMTP_PASSWORD,
      maxConnections: config.SMTP_MAX_CONNECTIONS, domain: config.CAMPAIGN_MESSAGE_DOMAIN,
    });
  }
  return new FileProvider(config.CAMPAIGN_OUTBOX_DIR, config.CAMPAIGN_MESSAGE_DOMAIN);
}

/**
 * The marketing-campaign service on the kit's runtime (MongoDB, Redis, NATS, health): its models
 * and repositories, the relay that publishes their outbox, its clients to contacts and consent,
 * the send job, its consumers, its gRPC service. main.ts runs it as a process; the tests run it
 * in-process on free ports.
 */
export async function startMarketingCampaign(config: MarketingCampaignConfig) {
  const runtime = await ServiceRuntime.start("marketing-campaign", config);
  const { mongo, log } = runtime;
  const models = {
    segment: await createSegmentModel(mongo),
    campaign: await createCampaignModel(mongo),
    recipient: await createRecipientModel(mongo),
    message: await createMessageModel(mongo),
    response: await createResponseModel(mongo),
    addressState: await createAddressStateModel(mongo),
    settings: await createSettingsModel(mongo),
    order: await createOrderModel(mongo),
    deal: await createDealModel(mongo),
    ticket: await createTicketModel(mongo),
    influence: await createInfluenceModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.campaign, models.message, models.response, models.segment]);
  const segments = new SegmentRepository(models.segment, relay.outboxOf(models.segment));
  const campaigns = new CampaignRepository(models.campaign, relay.outboxOf(models.campaign));
  const recipients = new RecipientRepository(models.recipient);
  const messages = new MessageRepository(models.message, relay.outboxOf(models.message));
  const responses = new ResponseRepository(models.response, relay.outboxOf(models.response));
  const addresses = new AddressStates(models.addressState);
  const settings = new SettingsRepository(models.settings, {
    sendRatePerSecond: config.CAMPAIGN_SEND_RATE_PER_SECOND, softBounceLimit: config.CAMPAIGN_SOFT_BOUNCE_LIMIT, softBounceWindowDays: config.CAMPAIGN_SOFT_BOUNCE_WINDOW_DAYS,
  });
  const behaviour = new BehaviourRepository({ orders: models.order, deals: models.deal, tickets: models.ticket }, messages);
  const influences = new InfluenceRepository(models.influence);

  const upstream = { identitySigningKey: config.IDENTITY_SIGNING_KEY, timeoutMs: config.UPSTREAM_TIMEOUT_MS };
  const contacts = new ContactsClient(config.CONTACTS_ADDRESS, upstream);
  const consent = new ConsentClient(config.CONSENT_ADDRESS, upstream);
  const members = new SegmentMembers(contacts, behaviour);
  const provider = providerOf(config);
  const runner = new CampaignRunner(
    { campaigns, segments, recipients, messages, settings, provider, log, throttle: new TenantThrottle(runtime.redis), audience: new AudienceBuilder({ members, consent, addresses, recipients, campaigns, log }) },
    {
      pollMs: config.CAMPAIGN_POLL_MS, leaseMs: config.CAMPAIGN_LEASE_MS, retryMs: config.CAMPAIGN_RETRY_MS, batchSize: config.CAMPAIGN_SEND_BATCH,
      concurrency: config.CAMPAIGN_SEND_CONCURRENCY, defaultFrom: config.CAMPAIGN_DEFAULT_FROM,
    },
  );

  const exporter = new SubjectExporter({ messages, addresses });
  runtime.exportSubjectDataWith((request) => exporter.export(request));
  await startConsumers(runtime, {
    erasure: new SubjectErasure({ recipients, messages, responses, addresses, behaviour, influences, segments }),
    behaviour, influences, messages, recipients, responses, campaigns, segments,
  });
  runtime.runInBackground(runner);
  // The channels to the other services and the provider close with the background work that uses them.
  runtime.runInBackground({
    start: () => undefined,
    stop: async () => {
      contacts.close();
      consent.close();
      await provider.close();
    },
  });

  const recorder = new ResponseRecorder({ messages, responses, addresses, settings, consent, log });
  const deps = { segments, campaigns, recipients, messages, responses, addresses, settings, behaviour, influences, members, consent, recorder, kickRunner: () => runner.kick() };
  const ports = await runtime.serve([marketingCampaignService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps, runner };
}
