import { NotFoundError, uuidv7 } from "@crm/kit/edge";
import { DUPLICATE_KEY, listFilter, paginate, type Page } from "@crm/kit/edge-store";
import type { commonV1 } from "@crm/proto";
import type { DeliveryAttempt, DeliveryDocument, DeliveryModel } from "./delivery.model";

const LIST_FIELDS = {
  createdAt: { path: "createdAt", type: "date" as const, sortable: true },
  status: { path: "status", type: "string" as const },
  eventType: { path: "eventType", type: "string" as const },
};

export interface NewDelivery {
  tenantId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  payload: string;
}

/** The only code that reads and writes webhook deliveries (the delivery log). */
export class DeliveryStore {
  constructor(private readonly model: DeliveryModel) {}

  /** Stores new deliveries; one already stored for the same subscription and event (a redelivered event) is kept as it is. */
  async addAll(deliveries: NewDelivery[], now = new Date()): Promise<number> {
    if (deliveries.length === 0) return 0;
    const documents = deliveries.map((d) => ({ ...d, _id: uuidv7(now.getTime()), status: "pending", attemptCount: 0, attempts: [], nextAttemptAt: now, createdAt: now, updatedAt: now }));
    try {
      return (await this.model.insertMany(documents, { ordered: false })).length;
    } catch (error) {
      const failures = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors ?? [];
      if (failures.length === 0 || failures.some((e) => (e.code ?? e.err?.code) !== DUPLICATE_KEY)) throw error;
      return documents.length - failures.length;
    }
  }

  /**
   * Takes the next due delivery for this replica, across tenants: pending and due, or left
   * delivering by a replica whose lease ran out. Reads the raw collection on purpose (the
   * dispatcher works for every tenant, past the tenant guard). The take is a compare-and-set
   * on the version read (its updatedAt), so that two replicas never both take one delivery.
   */
  async claim(leaseMs: number, now = new Date()): Promise<DeliveryDocument | undefined> {
    const due = { $or: [{ status: "pending", nextAttemptAt: { $lte: now } }, { status: "delivering", leaseUntil: { $lte: now } }] };
    for (const candidate of (await this.model.collection.find(due).sort({ nextAttemptAt: 1 }).limit(5).toArray()) as unknown as DeliveryDocument[]) {
      const lease = { status: "delivering" as const, leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now };
      const taken = await this.model.collection.updateOne({ _id: candidate._id as never, status: candidate.status, updatedAt: candidate.updatedAt }, { $set: lease });
      if (taken.modifiedCount === 1) return { ...candidate, ...lease };
    }
    return undefined;
  }

  /** Records an attempt: succeeded, failed for good, or pending again at `retryAt`. */
  async recordAttempt(delivery: DeliveryDocument, attempt: DeliveryAttempt, outcome: { status: "succeeded" | "failed" } | { status: "pending"; retryAt: Date }): Promise<void> {
    await this.model.updateOne(
      { _id: delivery._id, tenantId: delivery.tenantId },
      {
        $set: { status: outcome.status, updatedAt: new Date(), ...(outcome.status === "pending" ? { nextAttemptAt: outcome.retryAt } : {}) },
        $inc: { attemptCount: 1 },
        $push: { attempts: attempt },
        $unset: { leaseUntil: 1 },
      },
    );
  }

  /** Ends a delivery whose endpoint is gone or disabled, without an attempt. */
  async abandon(delivery: DeliveryDocument, reason: string): Promise<void> {
    await this.model.updateOne(
      { _id: delivery._id, tenantId: delivery.tenantId },
      { $set: { status: "failed", updatedAt: new Date() }, $push: { attempts: { at: new Date(), status: 0, error: reason, durationMs: 0 } }, $unset: { leaseUntil: 1 } },
    );
  }

  async get(tenantId: string, subscriptionId: string, id: string): Promise<DeliveryDocument> {
    const document = await this.model.findOne({ _id: id, tenantId, subscriptionId }).lean<DeliveryDocument>();
    if (!document) throw new NotFoundError(`delivery ${id} not found`);
    return document;
  }

  list(tenantId: string, subscriptionId: string, filter: commonV1.Filter | undefined, page: commonV1.PageRequest): Promise<Page<DeliveryDocument>> {
    return paginate<DeliveryDocument>(this.model, listFilter(tenantId, filter, LIST_FIELDS, { subscriptionId }), LIST_FIELDS, {
      orderBy: [], page, defaultOrder: { field: "createdAt", descending: true },
    });
  }

  /** Sends a delivery again from its first attempt, now, keeping its log (and its webhook-id). */
  async replay(tenantId: string, subscriptionId: string, id: string): Promise<DeliveryDocument> {
    const now = new Date();
    const replayed = await this.model
      .findOneAndUpdate({ _id: id, tenantId, subscriptionId, status: { $ne: "delivering" } }, { $set: { status: "pending", attemptCount: 0, nextAttemptAt: now, updatedAt: now } }, { new: true })
      .lean<DeliveryDocument>();
    return replayed ?? this.get(tenantId, subscriptionId, id);
  }
}
