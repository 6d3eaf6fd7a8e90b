import { constants } from "node:fs";
import { access, link, mkdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ChannelProvider, OutgoingMessage, SendState } from "./channel-provider";
import { composeEmail, composeSms } from "./message-format";

/**
 * The default provider: each message becomes a file in a local outbox folder,
 * `<dir>/<tenant>/<campaign>/<message id>.eml` (e-mail, RFC 5322) or `.sms.txt` (SMS), for
 * development, demos, tests, or a pick-up directory that another system sends from.
 *
 * Idempotent by message id: the file is written under a temporary name and then linked to its
 * final name, which fails when that name exists, so a message sent again (a retry after a crash)
 * leaves the first file as it was, and a half-written file is never seen under its final name.
 * Whether a message left is therefore exactly whether its file exists.
 */
export class FileProvider implements ChannelProvider {
  readonly name = "file";

  constructor(
    private readonly dir: string,
    private readonly domain = "crm.local",
  ) {}

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string }> {
    const target = this.pathOf(message);
    await mkdir(path.dirname(target), { recursive: true });
    const content = message.channel === "email" ? await composeEmail(message, this.domain) : composeSms(message);
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, content);
    try {
      await link(temporary, target);
    } catch (error) {
      // Sent before (the same message id): the first file stands.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    return { providerMessageId: path.basename(target) };
  }

  async reconcile(message: Pick<OutgoingMessage, "tenantId" | "campaignId" | "messageId" | "channel">): Promise<SendState> {
    return access(this.pathOf(message), constants.F_OK).then(
      () => "sent",
      () => "not_sent",
    );
  }

  async close(): Promise<void> {}

  private pathOf(message: Pick<OutgoingMessage, "tenantId" | "campaignId" | "messageId" | "channel">): string {
    const safe = (part: string) => part.replace(/[^A-Za-z0-9_.-]/g, "_");
    return path.join(this.dir, safe(message.tenantId), safe(message.campaignId), `${message.messageId}${message.channel === "email" ? ".eml" : ".sms.txt"}`);
  }
}
