import { NotFoundError, uuidv7 } from "@crm/kit/edge";
import { paginate, type Page } from "@crm/kit/edge-store";
import type { commonV1 } from "@crm/proto";
import { newSigningSecret } from "./signature";
import type { SubscriptionDocument, SubscriptionModel } from "./subscription.model";

export type SubscriptionFields = Pick<SubscriptionDocument, "url" | "eventTypes" | "filter" | "description">;

const LIST_FIELDS = { createdAt: { path: "createdAt", type: "date" as const, sortable: true } };

/** The only code that reads and writes webhook subscriptions. */
export class SubscriptionStore {
  constructor(private readonly model: SubscriptionModel) {}

  async create(tenantId: string, createdBy: string, fields: SubscriptionFields, now = new Date()): Promise<SubscriptionDocument> {
    const document: SubscriptionDocument = {
      _id: uuidv7(now.getTime()), tenantId, ...fields, secret: newSigningSecret(), enabled: true, disabledReason: "", consecutiveFailures: 0,
      createdBy, createdAt: now, updatedAt: now,
    };
    await this.model.create(document);
    return document;
  }

  async get(tenantId: string, id: string): Promise<SubscriptionDocument> {
    const document = await this.model.findOne({ _id: id, tenantId }).lean<SubscriptionDocument>();
    if (!document) throw new NotFoundError(`webhook ${id} not found`);
    return document;
  }

  list(tenantId: string, page: commonV1.PageRequest): Promise<Page<SubscriptionDocument>> {
    return paginate<SubscriptionDocument>(this.model, { tenantId }, LIST_FIELDS, { orderBy: [], page, defaultOrder: { field: "createdAt", descending: true } });
  }

  /** Changes fields; enabling again clears the failure count and the reason it was disabled. */
  async update(tenantId: string, id: string, changes: Partial<SubscriptionFields> & { enabled?: boolean }): Promise<SubscriptionDocument> {
    const reset = changes.enabled ? { disabledReason: "", consecutiveFailures: 0 } : {};
    const updated = await this.model
      .findOneAndUpdate({ _id: id, tenantId }, { $set: { ...changes, ...reset, updatedAt: new Date() } }, { new: true })
      .lean<SubscriptionDocument>();
    if (!updated) throw new NotFoundError(`webhook ${id} not found`);
    return updated;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const { deletedCount } = await this.model.deleteOne({ _id: id, tenantId });
    if (deletedCount === 0) throw new NotFoundError(`webhook ${id} not found`);
  }

  /** The tenant's enabled subscriptions (each event reads them). */
  enabledOf(tenantId: string): Promise<SubscriptionDocument[]> {
    return this.model.find({ tenantId, enabled: true }).lean<SubscriptionDocument[]>();
  }

  /** Counts an attempt's outcome; disables the endpoint once `disableAfter` attempts in a row have failed. */
  async recordOutcome(subscription: Pick<SubscriptionDocument, "_id" | "tenantId">, succeeded: boolean, disableAfter: number): Promise<void> {
    const { _id, tenantId } = subscription;
    if (succeeded) {
      await this.model.updateOne({ _id, tenantId, consecutiveFailures: { $gt: 0 } }, { $set: { consecutiveFailures: 0 } });
      return;
    }
    const counted = await this.model.findOneAndUpdate({ _id, tenantId }, { $inc: { consecutiveFailures: 1 } }, { new: true }).lean<SubscriptionDocument>();
    if (counted && counted.enabled && counted.consecutiveFailures >= disableAfter) {
      await this.model.updateOne(
        { _id, tenantId, enabled: true },
        { $set: { enabled: false, disabledReason: `disabled after ${counted.consecutiveFailures} failed attempts in a row`, updatedAt: new Date() } },
      );
    }
  }
}
