import { NotFoundError, PreconditionFailedError, ValidationError, uuidv7, type Logger } from "@crm/kit";
import { prepareContact, toDraft, type Contact, type ContactFieldName } from "../domain/contact";
import type { CustomFieldDefinition } from "../domain/custom-fields";
import { contactMatchKeys } from "../domain/blocking";
import { planMerge } from "../domain/merge";
import { contactMerged, contactMergeUndone } from "../events/contact-events";
import { fieldsOf, type ContactRepository } from "./contact-repository";
import type { Actor } from "./actor";
import type { ContactWriter } from "./contact-writer";
import type { MatchKeyIndex } from "./match-keys";
import type { MergeDocument, MergeModel } from "./merge.model";

export interface MergeResult {
  contact: Contact;
  mergeId: string;
  fieldSources: Record<string, string>;
}

/**
 * Merge and its undo, as named steps. The audit is written first with both records as they
 * were; every later step can be undone from it, and a failure part-way compensates the steps
 * already taken.
 */
export class ContactMerges {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly writer: ContactWriter,
    private readonly keys: MatchKeyIndex,
    private readonly merges: MergeModel,
    private readonly log: Logger,
  ) {}

  async merge(actor: Actor, survivorId: string, mergedId: string, fieldsFromMerged: ContactFieldName[], survivorVersion: number | undefined, definitions: CustomFieldDefinition[]): Promise<MergeResult> {
    const { tenantId } = actor;
    if (survivorId === mergedId) throw ValidationError.field("mergedId", "must differ from survivorId");
    const [survivor, merged] = await Promise.all([this.contacts.get(tenantId, survivorId), this.contacts.get(tenantId, mergedId)]);
    if (survivorVersion !== undefined && survivor.version !== survivorVersion) {
      throw new PreconditionFailedError(`contact ${survivorId} changed since it was read; read it again`);
    }
    const plan = planMerge(survivor, merged, fieldsFromMerged);
    const fields = prepareContact(toDraft(plan.fields), definitions, "merge");
    const now = new Date();
    const mergeId = uuidv7(now.getTime());
    const combined: Contact = { ...survivor, ...fields, updatedAt: now, updatedBy: actor.subject, version: survivor.version + 1 };

    // Step 1: the audit, from which everything after can be undone.
    await this.merges.create({
      _id: mergeId, tenantId, survivorId, mergedId, survivorBefore: survivor, mergedBefore: merged,
      survivorVersionAfter: combined.version, fieldSources: plan.sources, status: "started", mergedBy: actor.subject, mergedAt: now,
    });
    // Step 2: the survivor takes the combined fields and announces the merge.
    const [survivorKeys, mergedKeys] = await Promise.all([this.contacts.matchKeysOf(tenantId, survivorId), this.contacts.matchKeysOf(tenantId, mergedId)]);
    const keys = contactMatchKeys(fields);
    const combinedKeys = [...new Set([...survivorKeys.filter((k) => k.startsWith("request:")), ...keys.identity, ...keys.similarity])];
    await this.keys.add(tenantId, combinedKeys, survivorId);
    await this.contacts.replace(combined, survivor.version, await this.writer.derive(combined, combinedKeys), [contactMerged(tenantId, { survivorId, mergedId, mergeId }, actor.subject, now)]);
    // Step 3: the merged record retires, pointing at the survivor.
    try {
      const retired: Contact = { ...merged, state: "merged", mergedInto: survivorId, updatedAt: now, updatedBy: actor.subject, version: merged.version + 1 };
      await this.contacts.replace(retired, merged.version, { searchTokens: [], matchKeys: [] }, []);
    } catch (error) {
      this.log.warn({ err: error, mergeId }, "merge failed at retiring the merged record; restoring the survivor");
      await this.contacts.replace({ ...survivor, updatedAt: new Date(), version: combined.version + 1 }, combined.version, await this.writer.derive(survivor, survivorKeys), []);
      await this.merges.updateOne({ _id: mergeId, tenantId }, { $set: { status: "undone", undoneAt: new Date() } });
      throw error;
    }
    await this.keys.release(tenantId, mergedKeys, mergedId);
    await this.keys.release(tenantId, survivorKeys.filter((k) => !combinedKeys.includes(k)), survivorId);
    // Step 4: done.
    await this.merges.updateOne({ _id: mergeId, tenantId }, { $set: { status: "done" } });
    await this.writer.invalidate(tenantId, [survivorId, mergedId]);
    return { contact: combined, mergeId, fieldSources: plan.sources };
  }

  /**
   * Restores both records as they were before the merge. Refused when the survivor changed
   * after the merge, since restoring it would silently drop that change.
   */
  async undo(actor: Actor, mergeId: string): Promise<{ survivor: Contact; restored: Contact }> {
    const { tenantId } = actor;
    const audit = await this.merges.findOne({ _id: mergeId, tenantId }).lean<MergeDocument>();
    if (!audit) throw new NotFoundError(`merge ${mergeId} not found`);
    if (audit.status !== "done") throw new PreconditionFailedError(`merge ${mergeId} is ${audit.status}, not done`);
    const [survivorNow, mergedNow] = await Promise.all([this.contacts.find(tenantId, audit.survivorId), this.contacts.find(tenantId, audit.mergedId)]);
    if (!survivorNow || survivorNow.state !== "active" || survivorNow.version !== audit.survivorVersionAfter) {
      throw new PreconditionFailedError(`contact ${audit.survivorId} changed after the merge; undo would lose those changes`);
    }
    if (!mergedNow || mergedNow.state !== "merged") throw new PreconditionFailedError(`contact ${audit.mergedId} is no longer merged`);
    const now = new Date();
    const survivorKeysNow = await this.contacts.matchKeysOf(tenantId, audit.survivorId);
    const survivorBefore = revive(audit.survivorBefore);
    const mergedBefore = revive(audit.mergedBefore);
    const keysOf = (contact: Contact) => {
      const keys = contactMatchKeys(contact);
      return [...keys.identity, ...keys.similarity];
    };
    const survivorKeys = [...survivorKeysNow.filter((k) => k.startsWith("request:")), ...keysOf(survivorBefore)];
    const restoredKeys = keysOf(mergedBefore);
    await this.keys.add(tenantId, restoredKeys, audit.mergedId);

    const restored: Contact = { ...mergedBefore, state: "active", mergedInto: undefined, updatedAt: now, updatedBy: actor.subject, version: mergedNow.version + 1 };
    await this.contacts.replace(restored, mergedNow.version, await this.writer.derive(restored, restoredKeys), []);
    const survivor: Contact = { ...survivorBefore, updatedAt: now, updatedBy: actor.subject, version: survivorNow.version + 1 };
    const event = contactMergeUndone(tenantId, { survivorId: audit.survivorId, restoredId: audit.mergedId, mergeId }, actor.subject, now);
    await this.contacts.replace(survivor, survivorNow.version, await this.writer.derive(survivor, survivorKeys), [event]);
    await this.keys.release(tenantId, survivorKeysNow.filter((k) => !survivorKeys.includes(k)), audit.survivorId);
    await this.merges.updateOne({ _id: mergeId, tenantId }, { $set: { status: "undone", undoneAt: now } });
    await this.writer.invalidate(tenantId, [audit.survivorId, audit.mergedId]);
    return { survivor, restored };
  }
}

/** Snapshots come back from storage as plain documents; dates are already dates. */
function revive(snapshot: Contact): Contact {
  return { ...snapshot, ...fieldsOf(snapshot), customFields: snapshot.customFields ?? {}, preferences: snapshot.preferences ?? {} };
}
