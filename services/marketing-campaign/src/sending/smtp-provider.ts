import nodemailer, { type Transporter } from "nodemailer";
import { PermanentSendError, type ChannelProvider, type OutgoingMessage, type SendState } from "./channel-provider";
import { trackingHeaders } from "./message-format";

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** Concurrent connections of the pool. */
  maxConnections: number;
  /** The domain of the Message-ID header (<message id>@domain). */
  domain: string;
}

/**
 * E-mail through an SMTP relay (nodemailer, pooled connections), for real use.
 *
 * Reconciliation after a crash: SMTP has no way to ask a server whether it accepted a message,
 * and a crash can fall between the server's "250 OK" and this service recording it. Sending such
 * a message again could deliver it twice; not sending it could lose it. Exactly once is not
 * possible over plain SMTP, and a campaign must never mail anyone twice, so this provider answers
 * "unknown" and the send job marks those few messages (at most one batch in flight per campaign)
 * as sent-but-unconfirmed rather than sending them again. They carry our message id in their
 * Message-ID and X-Crm-Message-ID headers, so the relay's delivery reports (delivered, bounced,
 * through the signed webhook) still reach them; with a relay that keeps its own idempotency by
 * message id, "unknown" could become a look-up there.
 */
export class SmtpProvider implements ChannelProvider {
  readonly name = "smtp";
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport({
      pool: true,
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      maxConnections: settings.maxConnections,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
    });
  }

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string }> {
    if (message.channel !== "email") throw new PermanentSendError("the SMTP provider sends e-mail only; configure an SMS provider");
    try {
      const info = await this.transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        messageId: `<${message.messageId}@${this.settings.domain}>`,
        headers: trackingHeaders(message),
      });
      return { providerMessageId: String(info.messageId ?? message.messageId) };
    } catch (error) {
      // 5xx answers (unknown mailbox, refused recipient) will not succeed on a retry.
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) throw new PermanentSendError(`SMTP ${code}: ${(error as Error).message}`);
      throw error;
    }
  }

  async reconcile(): Promise<SendState> {
    return "unknown";
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
