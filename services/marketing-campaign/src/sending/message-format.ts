import MailComposer from "nodemailer/lib/mail-composer";
import type { OutgoingMessage } from "./channel-provider";

/** Headers that carry this service's ids, so that a provider's reports (and a reader of the outbox) can be traced back. */
export function trackingHeaders(message: OutgoingMessage): Record<string, string> {
  return { "X-Crm-Message-ID": message.messageId, "X-Crm-Campaign-ID": message.campaignId, "X-Crm-Contact-ID": message.contactId, "X-Crm-Variant": message.variant };
}

/** The e-mail as nodemailer would send it (RFC 5322, MIME), for the outbox's .eml files. */
export async function composeEmail(message: OutgoingMessage, domain: string): Promise<Buffer> {
  return new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.body,
    messageId: `<${message.messageId}@${domain}>`,
    headers: trackingHeaders(message),
  })
    .compile()
    .build();
}

/** A text message as a small text file: who to, then the text. */
export function composeSms(message: OutgoingMessage): Buffer {
  const headers = Object.entries({ To: message.to, From: message.from, ...trackingHeaders(message) }).map(([name, value]) => `${name}: ${value}`);
  return Buffer.from(`${headers.join("\n")}\n\n${message.body}\n`);
}
