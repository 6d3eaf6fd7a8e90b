import {
  appendToOutbox, NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7,
  type Actor, type ListQuery, type ModelOutbox, type OutboxEvent, type Page,
} from "@crm/kit";
import type { Campaign, CampaignFields, CampaignStatus, ExclusionCounts } from "../domain/campaign";
import { CAMPAIGN_LIST_FIELDS, DEFAULT_CAMPAIGN_ORDER } from "../domain/list-fields";
import { campaignCreated, campaignSent } from "../events/campaign-events";
import type { CampaignDocument, CampaignModel } from "./campaign.model";

/** What a status change writes beside the status. */
export interface StatusChange {
  from: readonly CampaignStatus[];
  to: CampaignStatus;
  /** When the runner should take it (scheduled, sending); unset otherwise. */
  runAt?: Date | undefined;
  set?: Partial<Pick<CampaignDocument, "scheduledAt" | "timeZone">>;
  events?: (next: Campaign) => OutboxEvent[];
  /** The version the caller read (an etag), when it named one. */
  version?: number | undefined;
}

/**
 * The only code that reads and writes campaigns. Users' changes are conditional on the status
 * (and the version, when the caller names one); the send job's (runner's) on its lease.
 */
export class CampaignRepository extends TenantRepository<CampaignDocument> {
  constructor(model: CampaignModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: CampaignFields, requestId: string): Promise<Campaign> {
    const now = new Date();
    const campaign: Campaign = {
      ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, status: "draft", timeZone: "",
      audienceBuilt: false, audience: 0, sent: 0, excluded: {}, ...newRecordAudit(actor, now),
    };
    const { id, ...rest } = campaign;
    const document = { ...rest, _id: id, audienceAfterId: "", requestKey: requestId || id };
    return toCampaign(await this.insertOnce(document, [campaignCreated(campaign)], now));
  }

  async get(tenantId: string, id: string): Promise<Campaign> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`campaign ${id} not found`);
    return toCampaign(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Campaign>> {
    const page = await this.page(tenantId, query, { fields: CAMPAIGN_LIST_FIELDS, defaultOrder: DEFAULT_CAMPAIGN_ORDER });
    return { items: page.items.map(toCampaign), pageInfo: page.pageInfo };
  }

  /** A draft's new fields, at the version read. */
  async update(actor: Actor, current: Campaign, fields: CampaignFields): Promise<Campaign> {
    const now = new Date();
    const written = await this.model.updateOne(
      { _id: current.id, tenantId: current.tenantId, version: current.version, status: "draft" },
      { $set: { ...fields, updatedAt: now, updatedBy: actor.subject }, $inc: { version: 1 } },
    );
    if (written.matchedCount === 0) throw new PreconditionFailedError(`campaign ${current.id} changed since it was read (or left draft); read it again`);
    return { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
  }

  /**
   * Moves a campaign from one of `from` to `to`, with its events, in one write conditional on
   * the status (and version) read: of two concurrent changes, one wins and the other is told.
   */
  async changeStatus(actor: Actor, current: Campaign, change: StatusChange): Promise<Campaign> {
    const now = new Date();
    const next: Campaign = { ...current, ...change.set, status: change.to, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const events = change.events?.(next) ?? [];
    const set = { ...change.set, status: change.to, updatedAt: now, updatedBy: actor.subject, ...(change.runAt ? { runAt: change.runAt } : {}) };
    const append = events.length > 0 ? appendToOutbox(events, now) : undefined;
    const written = await this.model.updateOne(
      { _id: current.id, tenantId: current.tenantId, status: { $in: [...change.from] }, ...(change.version === undefined ? {} : { version: change.version }) },
      {
        $set: { ...set, ...append?.$set },
        $inc: { version: 1 },
        ...(change.runAt ? {} : { $unset: { runAt: "" } }),
        ...(append ? { $push: append.$push } : {}),
      },
    );
    if (written.matchedCount === 0) {
      const fresh = await this.get(current.tenantId, current.id);
      if (change.version !== undefined && fresh.version !== change.version) throw new PreconditionFailedError(`campaign ${current.id} changed since it was read (etag mismatch); read it again`);
      throw new PreconditionFailedError(`campaign ${current.id} is ${fresh.status} now: it cannot become ${change.to}`);
    }
    if (append) this.outbox.changed(current.id);
    return next;
  }

  // --- The send job's side (sending/campaign-runner.ts): across tenants, under a lease. ---

  /**
   * Claims a campaign due to run (scheduled and due, or sending) whose lease is free or ran out:
   * one findOneAndUpdate, so that of several replicas one takes it. Across tenants on purpose
   * (the runner serves them all): the raw collection, as the outbox relay does.
   */
  async claimDue(owner: string, leaseMs: number, now = new Date()): Promise<{ campaign: Campaign; audienceAfterId: string } | undefined> {
    const claimed = await this.model.collection.findOneAndUpdate(
      { runAt: { $lte: now }, $or: [{ leaseUntil: { $lt: now } }, { leaseUntil: null }] },
      { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
      { returnDocument: "after" },
    );
    if (!claimed) return undefined;
    const document = claimed as unknown as CampaignDocument;
    return { campaign: toCampaign(document), audienceAfterId: document.audienceAfterId ?? "" };
  }

  /** Renews the runner's lease and reads the campaign again (a user may have paused or cancelled it); undefined once the lease is lost. */
  async renewLease(campaign: Campaign, owner: string, leaseMs: number): Promise<Campaign | undefined> {
    const renewed = await this.model
      .findOneAndUpdate({ _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner }, { $set: { leaseUntil: new Date(Date.now() + leaseMs) } }, { returnDocument: "after" })
      .lean<CampaignDocument>();
    return renewed ? toCampaign(renewed) : undefined;
  }

  async releaseLease(campaign: Pick<Campaign, "id" | "tenantId">, owner: string): Promise<void> {
    await this.model.updateOne({ _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner }, { $set: { leaseUntil: new Date(0) } });
  }

  /** The run failed (a service unreachable): taken again after `until`, by whichever replica. */
  async postpone(campaign: Pick<Campaign, "id" | "tenantId">, owner: string, until: Date): Promise<void> {
    await this.model.updateOne({ _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner, runAt: { $gte: new Date(0) } }, { $set: { runAt: until, leaseUntil: new Date(0) } });
  }

  /** A campaign that cannot run (its segment is gone) is cancelled by the runner. */
  async cancelUnrunnable(campaign: Pick<Campaign, "id" | "tenantId">, owner: string, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner },
      { $set: { status: "cancelled", updatedAt: now, updatedBy: "service:marketing-campaign", leaseUntil: new Date(0) }, $unset: { runAt: "" }, $inc: { version: 1 } },
    );
  }

  /** A scheduled campaign whose time came starts sending (the runner holds it). */
  async startSending(campaign: Campaign, owner: string, now: Date): Promise<boolean> {
    const written = await this.model.updateOne(
      { _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner, status: "scheduled" },
      { $set: { status: "sending", sendStartedAt: now, runAt: now, updatedAt: now, updatedBy: "service:marketing-campaign" }, $inc: { version: 1 } },
    );
    return written.modifiedCount === 1;
  }

  /** The audience snapshot reached this contact id (resumed from there after a crash). */
  async recordAudienceProgress(campaign: Campaign, owner: string, afterId: string): Promise<void> {
    await this.model.updateOne({ _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner }, { $set: { audienceAfterId: afterId } });
  }

  async markAudienceBuilt(campaign: Campaign, owner: string, audience: number, excluded: ExclusionCounts): Promise<void> {
    await this.model.updateOne({ _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner }, { $set: { audienceBuilt: true, audience, excluded } });
  }

  /** Counts of messages sent so far, as the recipients say (set, not incremented: a repeat writes the same). */
  async recordSent(campaign: Campaign, sent: number, excluded: ExclusionCounts): Promise<void> {
    await this.model.updateOne({ _id: campaign.id, tenantId: campaign.tenantId }, { $set: { sent, excluded } });
  }

  /** Every recipient was sent to: sent, with campaign.sent, unless a user paused or cancelled it meanwhile. */
  async finish(campaign: Campaign, owner: string, sent: number, excluded: ExclusionCounts, now: Date): Promise<boolean> {
    const done: Campaign = { ...campaign, status: "sent", sent, excluded, sendEndedAt: now };
    const append = appendToOutbox([campaignSent(done, now)], now);
    const written = await this.model.updateOne(
      { _id: campaign.id, tenantId: campaign.tenantId, leaseOwner: owner, status: "sending" },
      {
        $set: { status: "sent", sent, excluded, sendEndedAt: now, updatedAt: now, updatedBy: "service:marketing-campaign", leaseUntil: new Date(0), ...append.$set },
        $unset: { runAt: "" },
        $inc: { version: 1 },
        $push: append.$push,
      },
    );
    if (written.modifiedCount === 1) this.outbox.changed(campaign.id);
    return written.modifiedCount === 1;
  }

  /** Active campaigns (not finished) of a purpose on a channel: those whose pending sends a withdrawal stops. */
  async activeFor(tenantId: string, purposeId: string, channels: string[]): Promise<string[]> {
    const found = await this.model.find({ tenantId, purposeId, channel: { $in: channels as never }, status: { $in: ["scheduled", "sending", "paused"] } }, { _id: 1 }).lean();
    return found.map((campaign) => campaign._id);
  }

  /** Whether campaigns not yet sent or cancelled use this segment. */
  async segmentInUse(tenantId: string, segmentId: string): Promise<boolean> {
    return (await this.model.countDocuments({ tenantId, segmentId, status: { $in: ["draft", "scheduled", "sending", "paused"] } })) > 0;
  }

  async names(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const found = await this.model.find({ tenantId, _id: { $in: ids } }, { name: 1 }).lean();
    return new Map(found.map((campaign) => [campaign._id, campaign.name]));
  }
}

/** The domain object of a stored document. */
export function toCampaign(document: Partial<CampaignDocument> & Pick<CampaignDocument, "_id">): Campaign {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, audienceAfterId: _after, runAt: _run, leaseOwner: _owner, leaseUntil: _until, ...fields } = document;
  return { ...(fields as Omit<Campaign, "id">), excluded: fields.excluded ?? {}, id: _id };
}
