import { type Actor, isDuplicateKey, newRecordAudit, NotFoundError, PreconditionFailedError, type RecordAudit, uuidv7 } from "@crm/kit";
import type { Model } from "mongoose";

/**
 * A tenant's SLA setting as stored (a policy or a calendar): its fields, audit, and
 * `recalcRequestedAt`, set by the same write that changes it, so that the open tickets'
 * deadlines are recalculated (store/sla-recalculation.ts) even after a crash. A deleted setting
 * stays as a tombstone until that recalculation is done.
 */
export type SettingsDocument<F> = F &
  RecordAudit & {
    _id: string;
    tenantId: string;
    requestKey: string;
    deleted: boolean;
    recalcRequestedAt?: Date;
  };

export type Stored<F> = F & RecordAudit & { id: string; tenantId: string };

/** Policies and calendars: few per tenant, read whole, each change asking for a recalculation. */
export class SettingsRepository<F extends object> {
  constructor(
    readonly model: Model<SettingsDocument<F>>,
    private readonly noun: string,
    /** Most records of this kind a tenant may have. */
    private readonly limit = 500,
  ) {}

  async create(actor: Actor, fields: F, requestId: string): Promise<Stored<F>> {
    const now = new Date();
    const id = uuidv7(now.getTime());
    const count = await this.model.countDocuments({ tenantId: actor.tenantId, deleted: false } as never);
    if (count >= this.limit) throw new PreconditionFailedError(`a tenant has at most ${this.limit} ${this.noun}s`);
    const document = { ...fields, _id: id, tenantId: actor.tenantId, ...newRecordAudit(actor, now), requestKey: requestId || id, deleted: false, recalcRequestedAt: now };
    try {
      await this.model.create(document as never);
      return toStored(document as SettingsDocument<F>);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const first = await this.model.findOne({ tenantId: actor.tenantId, requestKey: document.requestKey } as never).lean<SettingsDocument<F>>();
      if (!first) throw error;
      return toStored(first);
    }
  }

  async get(tenantId: string, id: string): Promise<Stored<F>> {
    const document = await this.model.findOne({ _id: id, tenantId, deleted: false } as never).lean<SettingsDocument<F>>();
    if (!document) throw new NotFoundError(`${this.noun} ${id} not found`);
    return toStored(document);
  }

  /** Every live one of the tenant, in id order. */
  async all(tenantId: string): Promise<Array<Stored<F>>> {
    const documents = await this.model.find({ tenantId, deleted: false } as never).sort({ _id: 1 }).limit(this.limit).lean<Array<SettingsDocument<F>>>();
    return documents.map(toStored);
  }

  /** Writes new fields at the version read and asks for the recalculation in the same write. */
  async update(actor: Actor, current: Stored<F>, fields: F): Promise<Stored<F>> {
    const now = new Date();
    const result = await this.model.updateOne(
      { _id: current.id, tenantId: current.tenantId, version: current.version, deleted: false } as never,
      { $set: { ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1, recalcRequestedAt: now } } as never,
    );
    if (result.matchedCount === 0) throw new PreconditionFailedError(`${this.noun} ${current.id} changed since it was read; read it again`);
    return { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
  }

  /** Deletes at the version read (a tombstone that asks for the recalculation, gone once that is done). */
  async remove(actor: Actor, current: Stored<F>): Promise<void> {
    const now = new Date();
    const result = await this.model.updateOne(
      { _id: current.id, tenantId: current.tenantId, version: current.version, deleted: false } as never,
      { $set: { deleted: true, updatedAt: now, updatedBy: actor.subject, version: current.version + 1, recalcRequestedAt: now } } as never,
    );
    if (result.matchedCount === 0) throw new PreconditionFailedError(`${this.noun} ${current.id} changed since it was read; read it again`);
  }

  /** A tenant with a recalculation asked for, in any tenant (the scheduler serves them all), and when it was asked. */
  async pendingRecalculation(): Promise<{ tenantId: string; requestedAt: Date } | undefined> {
    const [next] = await this.model.collection.find({ recalcRequestedAt: { $gte: new Date(0) } }, { projection: { tenantId: 1, recalcRequestedAt: 1 } }).sort({ recalcRequestedAt: 1 }).limit(1).toArray();
    return next ? { tenantId: next.tenantId as string, requestedAt: next.recalcRequestedAt as Date } : undefined;
  }

  /** The latest request of a tenant still waiting. */
  async latestRequest(tenantId: string): Promise<Date | undefined> {
    const [latest] = await this.model.find({ tenantId, recalcRequestedAt: { $gte: new Date(0) } } as never, { recalcRequestedAt: 1 }).sort({ recalcRequestedAt: -1 }).limit(1).lean<Array<{ recalcRequestedAt: Date }>>();
    return latest?.recalcRequestedAt;
  }

  /** The requests answered by a recalculation that started after them: cleared, tombstones dropped. */
  async recalculated(tenantId: string, upTo: Date): Promise<void> {
    await this.model.deleteMany({ tenantId, deleted: true, recalcRequestedAt: { $lte: upTo } } as never);
    await this.model.updateMany({ tenantId, recalcRequestedAt: { $lte: upTo } } as never, { $unset: { recalcRequestedAt: "" } } as never);
  }
}

function toStored<F>(document: SettingsDocument<F>): Stored<F> {
  const { _id, requestKey: _key, deleted: _deleted, recalcRequestedAt: _recalc, ...fields } = document;
  return { ...(fields as unknown as F & RecordAudit & { tenantId: string }), id: _id };
}
