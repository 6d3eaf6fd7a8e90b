import type { Identity, Logger } from "@crm/kit";
import { bounceVerdict } from "../domain/bounce-rules";
import { responseOf, type ProviderEvent } from "../domain/response";
import type { ConsentClient } from "../clients/consent-client";
import type { AddressStates } from "../store/address-states";
import type { MessageRepository } from "../store/message-repository";
import type { MessageDocument } from "../store/message.model";
import type { ResponseRepository } from "../store/response-repository";
import type { SettingsRepository } from "../store/settings-repository";

export type ResponseOutcome = "recorded" | "duplicate" | "unknown_message" | "ignored";

export interface ResponseRecorderDeps {
  messages: MessageRepository;
  responses: ResponseRepository;
  addresses: AddressStates;
  settings: SettingsRepository;
  consent: ConsentClient;
  log: Logger;
}

/**
 * Records what providers report about messages, each provider event once. In this order, so that
 * a failure anywhere (the consent service unreachable) is retried whole by the provider's next
 * delivery of the webhook, and nothing is done twice by it:
 *  1. an event already recorded is a duplicate: nothing more;
 *  2. its consequences, each idempotent: a hard bounce or a complaint suppresses the address (here
 *     and on the consent service's list), soft bounces do once the tenant's rule says so
 *     (automatic replies are not bounces), an unsubscribe withdraws the consent for the
 *     campaign's purpose and channel;
 *  3. the response on its message (its flag for metrics);
 *  4. the response itself with campaign.response_recorded: the de-duplication point.
 */
export class ResponseRecorder {
  constructor(private readonly deps: ResponseRecorderDeps) {}

  async record(identity: Identity, events: ProviderEvent[]): Promise<ResponseOutcome[]> {
    const outcomes: ResponseOutcome[] = [];
    for (const event of events) outcomes.push(await this.recordOne(identity, event));
    return outcomes;
  }

  private async recordOne(identity: Identity, event: ProviderEvent): Promise<ResponseOutcome> {
    const { messages, responses, log } = this.deps;
    const tenantId = identity.tenantId;
    if (await responses.seen(tenantId, event.eventId)) return "duplicate";
    const message = await messages.get(tenantId, event.messageId);
    if (!message) return "unknown_message";
    const response = responseOf(event);
    if (!response) {
      log.info({ messageId: message._id }, "automatic reply reported as a bounce: not counted");
      return "ignored";
    }
    if (response === "hard_bounced" || response === "complained") await this.suppress(identity, message, response, event.occurredAt);
    if (response === "soft_bounced") await this.softBounce(identity, message, event);
    if (response === "unsubscribed") await this.unsubscribe(identity, message, event);
    await messages.addResponse(tenantId, message._id, response, event.url, event.occurredAt);
    const recorded = await responses.record(event.eventId, {
      tenantId, campaignId: message.campaignId, campaignName: message.campaignName, messageId: message._id, contactId: message.contactId,
      response, linkUrl: event.url, occurredAt: event.occurredAt,
    });
    return recorded ? "recorded" : "duplicate";
  }

  private async suppress(identity: Identity, message: MessageDocument, reason: string, at: Date): Promise<void> {
    if (!message.address) return;
    await this.deps.consent.suppress(identity, message.channel, message.address, `campaign ${reason.replace("_", " ")} (message ${message._id})`);
    await this.deps.addresses.markSuppressed(identity.tenantId, message.channel, message.address, reason, at);
  }

  private async softBounce(identity: Identity, message: MessageDocument, event: ProviderEvent): Promise<void> {
    if (!message.address) return;
    const { addresses, settings } = this.deps;
    const bounces = await addresses.addSoftBounce(identity.tenantId, message.channel, message.address, event.eventId, event.occurredAt);
    const verdict = bounceVerdict("soft", bounces, new Date(), await settings.get(identity.tenantId));
    if (verdict === "suppress") await this.suppress(identity, message, "soft_bounced", event.occurredAt);
  }

  private async unsubscribe(identity: Identity, message: MessageDocument, event: ProviderEvent): Promise<void> {
    const occurredAt = new Date(Math.min(event.occurredAt.getTime(), Date.now()));
    await this.deps.consent.withdraw(identity, {
      subjectId: message.contactId,
      purposeId: message.purposeId,
      channel: message.channel,
      occurredAt,
      requestId: `campaign-unsubscribe:${message._id}`,
      note: `unsubscribed from campaign ${message.campaignName} (message ${message._id})`,
    });
  }
}
