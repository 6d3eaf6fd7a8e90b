import { consentV1 } from "@crm/proto";
import { identityKey, ServiceClient, type Identity } from "@crm/kit";
import type { Channel } from "../domain/campaign";

const { Channel: ConsentChannel, CheckReason, ConsentAction, ConsentSource, SuppressionType } = consentV1;
const CHANNEL: Record<Channel, consentV1.Channel> = { email: ConsentChannel.CHANNEL_EMAIL, sms: ConsentChannel.CHANNEL_SMS };

export interface ConsentAnswer {
  allowed: boolean;
  /** The consent service's reason, by name (CHECK_REASON_GRANTED...). */
  reason: string;
}

/**
 * This service's way to the consent service: batch checks before sending, suppressions when
 * bounce rules fire, and withdrawals when a recipient unsubscribes. The writes carry request
 * ids, so that a retry (or an event handled again) records nothing twice.
 */
export class ConsentClient {
  private readonly service: ServiceClient<consentV1.ConsentServiceClient>;

  constructor(address: string, settings: { identitySigningKey: string; timeoutMs: number }) {
    // RecordConsents is retried like a read: each consent carries its request id, so a repeat records nothing new.
    this.service = new ServiceClient(consentV1.ConsentServiceClient, address, {
      identityKey: identityKey(settings.identitySigningKey),
      timeoutMs: settings.timeoutMs,
      reads: ["checkConsents", "getPurpose", "recordConsents"],
    });
  }

  /** May these subjects be contacted at these addresses for the purpose on the channel? One answer each, in order. */
  async check(identity: Identity, purposeId: string, channel: Channel, subjects: Array<{ subjectId: string; address: string }>): Promise<ConsentAnswer[]> {
    if (subjects.length === 0) return [];
    const answer = await this.service.call(identity, "checkConsents", { purposeId, channel: CHANNEL[channel], subjects });
    return answer.allowed.map((allowed, index) => ({ allowed, reason: CheckReason[answer.reasons[index] ?? 0] ?? "CHECK_REASON_UNSPECIFIED" }));
  }

  /** Whether the purpose exists (NOT_FOUND otherwise, as the consent service says). */
  async requirePurpose(identity: Identity, purposeId: string): Promise<void> {
    await this.service.call(identity, "getPurpose", { id: purposeId });
  }

  /** Puts an address on the suppression list (once: the request id is the address's). */
  async suppress(identity: Identity, channel: Channel, address: string, reason: string): Promise<void> {
    const type = channel === "email" ? SuppressionType.SUPPRESSION_TYPE_EMAIL : SuppressionType.SUPPRESSION_TYPE_PHONE;
    await this.service.call(identity, "addSuppression", { suppression: { type, address, reason }, requestId: `campaign-suppress:${channel}:${address}` });
  }

  /** Records the subject's withdrawal for the purpose on the channel, through the unsubscribe link; `requestId` makes it once. */
  async withdraw(identity: Identity, input: { subjectId: string; purposeId: string; channel: Channel; occurredAt: Date; requestId: string; note: string }): Promise<void> {
    await this.service.call(identity, "recordConsents", {
      consents: [
        {
          subjectId: input.subjectId,
          purposeId: input.purposeId,
          channel: CHANNEL[input.channel],
          action: ConsentAction.CONSENT_ACTION_WITHDRAW,
          source: ConsentSource.CONSENT_SOURCE_UNSUBSCRIBE_LINK,
          noticeVersion: 0,
          ipAddress: "",
          userAgent: "",
          occurTime: input.occurredAt,
          requestId: input.requestId,
          note: input.note,
        },
      ],
    });
  }

  close(): void {
    this.service.close();
  }
}
