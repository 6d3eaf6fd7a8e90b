import { isDuplicateKey, DUPLICATE_KEY } from "@crm/kit";
import type { BehaviourSignal } from "../domain/scoring";
import type { SignalDocument, SignalModel } from "./signal.model";

/** Behaviour of contacts consumed from events, the input of behaviour scoring. */
export class SignalRepository {
  constructor(private readonly model: SignalModel) {}

  /** Stores signals once each (by event and contact): a redelivered event adds nothing. Answers how many were new. */
  async record(signals: SignalDocument[]): Promise<number> {
    if (signals.length === 0) return 0;
    try {
      return (await this.model.insertMany(signals, { ordered: false })).length;
    } catch (error) {
      if (!isDuplicateKey(error) && !(error as { writeErrors?: unknown[] }).writeErrors) throw error;
      const inserted = (error as { insertedDocs?: unknown[] }).insertedDocs?.length ?? 0;
      const failures = ((error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors ?? []).filter((e) => (e.code ?? e.err?.code) !== DUPLICATE_KEY);
      if (failures.length > 0) throw error;
      return inserted;
    }
  }

  /** A contact's behaviour since `since` (all of it when undefined), newest first. */
  async ofContact(tenantId: string, contactId: string, since: Date | undefined): Promise<BehaviourSignal[]> {
    if (!contactId) return [];
    const documents = await this.model
      .find({ tenantId, contactId, ...(since ? { occurredAt: { $gte: since } } : {}) }, { behaviour: 1, label: 1, occurredAt: 1 })
      .sort({ occurredAt: -1 })
      .limit(5_000)
      .lean();
    return documents.map(({ behaviour, label, occurredAt }) => ({ behaviour, label, occurredAt }));
  }

  /** The merged contact's behaviour now belongs to the survivor. */
  async repointContact(tenantId: string, mergedId: string, survivorId: string): Promise<void> {
    await this.model.updateMany({ tenantId, contactId: mergedId }, { $set: { contactId: survivorId } });
  }

  async eraseContact(tenantId: string, contactIds: string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    return (await this.model.deleteMany({ tenantId, contactId: { $in: contactIds } })).deletedCount;
  }
}
