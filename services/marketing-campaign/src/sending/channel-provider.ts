import type { Channel } from "../domain/campaign";

/** One message ready to leave: rendered, addressed, with the id it is sent (and reported back) under. */
export interface OutgoingMessage {
  tenantId: string;
  campaignId: string;
  /** One per campaign and contact (domain/audience.ts): the provider's key for sending it once. */
  messageId: string;
  contactId: string;
  channel: Channel;
  variant: string;
  from: string;
  to: string;
  subject: string;
  body: string;
}

/** What a provider says of a message a crash left in doubt. */
export type SendState = "sent" | "not_sent" | "unknown";

/** A send the provider refused for good (an address it cannot deliver to): not tried again. */
export class PermanentSendError extends Error {}

/**
 * How messages leave on a channel. `send` must be safe to call again for a message id it already
 * took (a retry after a crash), or say it cannot tell (`reconcile` answering "unknown"): the send
 * job (campaign-runner.ts) records each send before calling it and confirms after, and on a
 * restart asks `reconcile` about those in between.
 */
export interface ChannelProvider {
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
  /** Whether a message recorded as being sent before a crash did leave. */
  reconcile(message: Pick<OutgoingMessage, "tenantId" | "campaignId" | "messageId" | "channel">): Promise<SendState>;
  close(): Promise<void>;
}
