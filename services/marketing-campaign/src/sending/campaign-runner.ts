import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { NotFoundError, type BackgroundWorker, type Identity, type Logger } from "@crm/kit";
import type { Campaign } from "../domain/campaign";
import { render } from "../domain/template";
import type { CampaignRepository } from "../store/campaign-repository";
import type { NewMessage, MessageRepository } from "../store/message-repository";
import type { RecipientDocument } from "../store/recipient.model";
import type { RecipientRepository } from "../store/recipient-repository";
import type { SegmentRepository } from "../store/segment-repository";
import type { SettingsRepository } from "../store/settings-repository";
import type { AudienceBuilder } from "./audience-builder";
import { PermanentSendError, type ChannelProvider, type OutgoingMessage } from "./channel-provider";
import type { TenantThrottle } from "./throttle";

export interface RunnerSettings {
  /** How often a replica looks for campaigns due (scheduled ones whose time came, sending ones without a runner). */
  pollMs: number;
  /** How long a runner's hold on a campaign lasts unless renewed: how soon another replica (or a restart) takes over a dead one's. */
  leaseMs: number;
  /** Recipients sent per batch (between lease renewals and pause checks). */
  batchSize: number;
  /** Sends in flight at once within a batch. */
  concurrency: number;
  /** Wait before a campaign whose run failed (a service unreachable) is tried again. */
  retryMs: number;
  /** The sender when a campaign names none. */
  defaultFrom: string;
}

export interface RunnerDeps {
  campaigns: CampaignRepository;
  segments: SegmentRepository;
  recipients: RecipientRepository;
  messages: MessageRepository;
  settings: SettingsRepository;
  audience: AudienceBuilder;
  provider: ChannelProvider;
  throttle: TenantThrottle;
  log: Logger;
}

/**
 * The send job, as named steps with resume points:
 *  1. claim: a campaign due (scheduled and due, or sending) whose lease is free: one replica runs it;
 *  2. start: a scheduled campaign becomes sending;
 *  3. audience: the snapshot (audience-builder.ts), resumed from its last contact id;
 *  4. reconcile: recipients a crash left `sending` (recorded, not confirmed) are asked about
 *     (the message confirmed already, or the provider's word) and confirmed or sent again;
 *  5. send: batch by batch, within the tenant's rate: each recipient recorded `sending` before
 *     the provider is called and confirmed (`sent`, with its message and campaign.message_sent)
 *     after; between batches the lease is renewed and a pause or cancellation noticed;
 *  6. finish: no one left to send to: sent, with campaign.sent and the final counts.
 * A crash anywhere leaves the campaign `sending` with its lease running out; whoever claims it
 * next picks up at the step it reached, and no recipient is sent to twice.
 */
export class CampaignRunner implements BackgroundWorker {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private again = false;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly settings: RunnerSettings,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Something became due now (a campaign sent or resumed): look at once rather than at the next poll. */
  kick(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref();
  }

  /** Runs every campaign due, one after the other, then sleeps until the next poll. */
  private async pass(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      do {
        this.again = false;
        for (;;) {
          if (this.stopping) return;
          const claimed = await this.deps.campaigns.claimDue(this.owner, this.settings.leaseMs).catch((error: unknown) => {
            this.deps.log.warn({ err: error }, "could not look for campaigns due");
            return undefined;
          });
          if (!claimed) break;
          await this.run(claimed.campaign, claimed.audienceAfterId);
        }
      } while (this.again && !this.stopping);
    })().finally(() => {
      this.running = undefined;
      this.schedule(this.settings.pollMs);
    });
    await this.running;
  }

  private async run(claimed: Campaign, audienceAfterId: string): Promise<void> {
    const { campaigns, log } = this.deps;
    const identity: Identity = { subject: "service:marketing-campaign", tenantId: claimed.tenantId, roles: ["service"], scopes: [] };
    try {
      let campaign = claimed;
      const now = new Date();
      if (campaign.status === "scheduled") {
        if (!(await campaigns.startSending(campaign, this.owner, now))) return;
        campaign = { ...campaign, status: "sending", sendStartedAt: now };
      }
      if (campaign.status !== "sending") return;
      if (!campaign.audienceBuilt) {
        const built = await this.buildAudience(campaign, audienceAfterId, identity);
        if (!built) return;
        campaign = built;
      }
      await this.reconcile(campaign);
      if (await this.sendPending(campaign)) await this.finish(campaign);
    } catch (error) {
      log.error({ err: error, campaignId: claimed.id }, "campaign run failed; it will be tried again");
      await campaigns.postpone(claimed, this.owner, new Date(Date.now() + this.settings.retryMs)).catch(() => undefined);
    } finally {
      await campaigns.releaseLease(claimed, this.owner).catch(() => undefined);
    }
  }

  private async buildAudience(campaign: Campaign, afterId: string, identity: Identity): Promise<Campaign | undefined> {
    const { segments, recipients, campaigns, audience, log } = this.deps;
    let segment;
    try {
      segment = await segments.get(campaign.tenantId, campaign.segmentId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      log.warn({ campaignId: campaign.id, segmentId: campaign.segmentId }, "the campaign's segment is gone: cancelled");
      await campaigns.cancelUnrunnable(campaign, this.owner, new Date());
      return undefined;
    }
    const started = Date.now();
    await audience.build(campaign, segment, afterId, this.owner, identity);
    const counts = await recipients.counts(campaign.tenantId, campaign.id);
    await campaigns.markAudienceBuilt(campaign, this.owner, counts.audience, counts.excluded);
    log.info({ campaignId: campaign.id, audience: counts.audience, excluded: counts.excluded, ms: Date.now() - started }, "audience built");
    return { ...campaign, audienceBuilt: true, audience: counts.audience, excluded: counts.excluded };
  }

  /** Step 4: the sends a crash left between "recorded" and "confirmed". */
  private async reconcile(campaign: Campaign): Promise<void> {
    const { recipients, messages, provider, log } = this.deps;
    for (;;) {
      const inDoubt = await recipients.inStatus(campaign.tenantId, campaign.id, "sending", this.settings.batchSize);
      if (inDoubt.length === 0) return;
      const confirmed = await messages.confirmedAmong(campaign.tenantId, inDoubt.map((recipient) => recipient._id));
      const toConfirm: NewMessage[] = [];
      const toRetry: string[] = [];
      for (const recipient of inDoubt) {
        if (confirmed.has(recipient._id)) continue;
        const state = await provider.reconcile({ tenantId: campaign.tenantId, campaignId: campaign.id, messageId: recipient._id, channel: campaign.channel });
        // "unknown" (SMTP): it may have left; never twice, so it counts as sent (smtp-provider.ts).
        if (state === "not_sent") toRetry.push(recipient._id);
        else toConfirm.push(this.messageOf(campaign, recipient, state === "sent" ? recipient._id : "unconfirmed"));
      }
      await messages.confirm(toConfirm);
      await recipients.markSent(campaign.tenantId, [...confirmed, ...toConfirm.map((message) => message._id)]);
      await recipients.backToPending(campaign.tenantId, toRetry, "in doubt after a restart; not sent");
      log.info({ campaignId: campaign.id, confirmed: confirmed.size + toConfirm.length, resent: toRetry.length }, "sends in doubt reconciled");
    }
  }

  /** Step 5; true when no one is left to send to (false when paused, cancelled, stopping or the lease was lost). */
  private async sendPending(start: Campaign): Promise<boolean> {
    const { campaigns, recipients, messages, settings, throttle } = this.deps;
    let sent = start.sent;
    const { sendRatePerSecond } = await settings.get(start.tenantId);
    for (;;) {
      if (this.stopping) return false;
      const campaign = await campaigns.renewLease(start, this.owner, this.settings.leaseMs);
      if (!campaign || campaign.status !== "sending") return false;
      const pending = await recipients.inStatus(campaign.tenantId, campaign.id, "pending", this.settings.batchSize);
      if (pending.length === 0) return true;
      await throttle.take(campaign.tenantId, pending.length, sendRatePerSecond);
      // The wait for the rate may have been long: paused or cancelled meanwhile, nothing of the batch leaves.
      const still = await campaigns.renewLease(start, this.owner, this.settings.leaseMs);
      if (!still || still.status !== "sending" || this.stopping) return false;
      await recipients.markSending(campaign.tenantId, pending.map((recipient) => recipient._id), this.owner);
      // Only those still pending were marked: a recipient excluded meanwhile (its consent withdrawn) is not sent to.
      const held = await recipients.sendingAmong(campaign.tenantId, pending.map((recipient) => recipient._id), this.owner);
      const batch = pending.filter((recipient) => held.has(recipient._id));
      const ids = batch.map((recipient) => recipient._id);
      const results = await mapLimited(batch, this.settings.concurrency, (recipient) => this.sendOne(campaign, recipient));
      const done = results.flatMap((result) => (result.ok ? [result.message] : []));
      await messages.confirm(done);
      await recipients.markSent(campaign.tenantId, done.map((message) => message._id));
      const transient = results.flatMap((result, index) => (!result.ok && !result.permanent ? [{ id: ids[index]!, error: result.error }] : []));
      for (const [index, result] of results.entries()) if (!result.ok && result.permanent) await recipients.markFailed(campaign.tenantId, ids[index]!, result.error);
      sent += done.length;
      await campaigns.recordSent(campaign, sent, campaign.excluded);
      if (transient.length > 0) {
        await recipients.backToPending(campaign.tenantId, transient.map((item) => item.id), transient[0]!.error);
        throw new Error(`the ${this.deps.provider.name} provider failed: ${transient[0]!.error}`);
      }
    }
  }

  private async sendOne(campaign: Campaign, recipient: RecipientDocument): Promise<{ ok: true; message: NewMessage } | { ok: false; permanent: boolean; error: string }> {
    const variant = campaign.variants.find((candidate) => candidate.key === recipient.variant) ?? campaign.variants[0]!;
    const outgoing: OutgoingMessage = {
      tenantId: campaign.tenantId,
      campaignId: campaign.id,
      messageId: recipient._id,
      contactId: recipient.contactId,
      channel: campaign.channel,
      variant: variant.key,
      from: campaign.fromAddress || this.settings.defaultFrom,
      to: recipient.address,
      subject: render(variant.subject, recipient.values, campaign.fallbacks),
      body: render(variant.body, recipient.values, campaign.fallbacks),
    };
    try {
      const { providerMessageId } = await this.deps.provider.send(outgoing);
      return { ok: true, message: this.messageOf(campaign, recipient, providerMessageId) };
    } catch (error) {
      return { ok: false, permanent: error instanceof PermanentSendError, error: (error as Error).message };
    }
  }

  private messageOf(campaign: Campaign, recipient: RecipientDocument, providerMessageId: string): NewMessage {
    return {
      _id: recipient._id,
      tenantId: campaign.tenantId,
      campaignId: campaign.id,
      campaignName: campaign.name,
      purposeId: campaign.purposeId,
      variant: recipient.variant,
      channel: campaign.channel,
      contactId: recipient.contactId,
      address: recipient.address,
      sentAt: new Date(),
      providerMessageId,
    };
  }

  /** Step 6. */
  private async finish(campaign: Campaign): Promise<void> {
    const { recipients, campaigns, log } = this.deps;
    const counts = await recipients.counts(campaign.tenantId, campaign.id);
    if ((counts.byStatus.pending ?? 0) + (counts.byStatus.sending ?? 0) > 0) return;
    const sent = counts.byStatus.sent ?? 0;
    if (await campaigns.finish({ ...campaign, audience: counts.audience }, this.owner, sent, counts.excluded, new Date())) {
      log.info({ campaignId: campaign.id, audience: counts.audience, sent, failed: counts.byStatus.failed ?? 0 }, "campaign sent");
    }
  }
}

/** Runs work over items, at most `limit` at a time, answers in order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
