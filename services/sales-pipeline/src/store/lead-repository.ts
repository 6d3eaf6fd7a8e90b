import { NotFoundError, PreconditionFailedError, TenantRepository, appendToOutbox, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import type { UpdateQuery } from "mongoose";
import type { ConversionRequest, ConversionStep, Lead, LeadConversion, LeadFields } from "../domain/lead";
import { DEFAULT_LEAD_ORDER, LEAD_LIST_FIELDS } from "../domain/list-fields";
import type { Score } from "../domain/scoring";
import { leadConverted, leadCreated, leadScoreChanged } from "../events/lead-events";
import { HISTORY_LIMIT, type LeadDocument, type LeadModel, type ScoreHistoryEntry } from "./lead.model";

const DAY_MS = 86_400_000;
/** Reads of a lead leave its score history out; ListLeadScoreHistory reads it. */
const WITHOUT_HISTORY = { outbox: 0, scoreHistory: 0 } as const;

/** A lead with its current score, as scored now for `cause`. */
export interface Scored {
  score: Score;
  cause: string;
}

/**
 * The only code that reads and writes leads. Every method names the tenant (the kit's tenant
 * plugin refuses a query that does not); every write carries its events; a score that changes
 * is written with its history entry and lead.score_changed.
 */
export class LeadRepository extends TenantRepository<LeadDocument> {
  constructor(model: LeadModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new lead, scored, with lead.created; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: LeadFields, requestId: string, { score }: Scored): Promise<Lead> {
    const now = new Date();
    const lead: Lead = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, score: score.score, scoreReasons: score.reasons, scoredAt: now, organizationId: "", dealId: "", ...newRecordAudit(actor, now) };
    const history: ScoreHistoryEntry[] = [{ score: score.score, previousScore: 0, at: now, cause: "created", reasons: score.reasons }];
    const document = { ...toDocument(lead), scoreHistory: history, ...rescoreWatch(score, now), requestKey: requestId || lead.id };
    return toLead(await this.insertOnce(document, [leadCreated(lead), ...(score.score !== 0 ? [leadScoreChanged(lead, 0, "created", actor.subject, now)] : [])], now));
  }

  async get(tenantId: string, id: string): Promise<Lead> {
    const document = await this.findDocument(tenantId, id, WITHOUT_HISTORY);
    if (!document) throw new NotFoundError(`lead ${id} not found`);
    return toLead(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Lead>> {
    const page = await this.page(tenantId, query, { fields: LEAD_LIST_FIELDS, defaultOrder: DEFAULT_LEAD_ORDER });
    return { items: page.items.map(toLead), pageInfo: page.pageInfo };
  }

  async scoreHistory(tenantId: string, id: string): Promise<ScoreHistoryEntry[]> {
    const document = await this.findDocument(tenantId, id, { scoreHistory: 1 });
    if (!document) throw new NotFoundError(`lead ${id} not found`);
    return [...(document.scoreHistory ?? [])].reverse();
  }

  /** Writes new fields and the score they give at the version read; FAILED_PRECONDITION when it changed since. */
  async update(actor: Actor, current: Lead, fields: LeadFields, scored: Scored): Promise<Lead> {
    const now = new Date();
    const next: Lead = { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    if (!(await this.writeScored(current, next, scored, actor.subject, now, { $set: { ...fieldsOf(fields), updatedAt: now, updatedBy: actor.subject } }))) {
      throw new PreconditionFailedError(`lead ${current.id} changed since it was read; read it again`);
    }
    return { ...next, score: scored.score.score, scoreReasons: scored.score.reasons, scoredAt: now };
  }

  /** Writes a score computed again (behaviour, rules, decay) at the version read; false when the lead changed meanwhile. */
  async rescore(current: Lead, scored: Scored, now: Date): Promise<boolean> {
    return this.writeScored(current, { ...current, version: current.version + 1 }, scored, "service:sales-pipeline", now, {});
  }

  /** Leads whose person is one of these contacts. */
  async ofContacts(tenantId: string, contactIds: string[]): Promise<Lead[]> {
    if (contactIds.length === 0) return [];
    return (await this.model.find({ tenantId, contactId: { $in: contactIds } }, WITHOUT_HISTORY).lean<LeadDocument[]>()).map(toLead);
  }

  /** Asks for every lead of the tenant to be scored again (its rules changed): the rescoring sweep does it. */
  async rescoreAll(tenantId: string, now: Date): Promise<number> {
    return (await this.model.updateMany({ tenantId }, { $set: { rescoreAt: now, rescoreCause: "rules_changed" } })).modifiedCount;
  }

  /** Leads, in any tenant, whose score is due to be computed again, oldest request first. */
  async dueForRescore(now: Date, limit: number): Promise<Array<{ lead: Lead; cause: string }>> {
    const documents = await this.model.collection.find({ rescoreAt: { $lte: now } }, { projection: WITHOUT_HISTORY }).sort({ rescoreAt: 1 }).limit(limit).toArray();
    return (documents as unknown as LeadDocument[]).map((document) => ({ lead: toLead(document), cause: document.rescoreCause ?? "decay" }));
  }

  /** Clears a rescoring request that found nothing to change (unless the lead changed meanwhile). */
  async rescored(lead: Lead, score: Score, now: Date): Promise<void> {
    const watch = rescoreWatch(score, now);
    await this.model.updateOne({ _id: lead.id, tenantId: lead.tenantId, version: lead.version }, watch.rescoreAt ? { $set: { ...watch, rescoreCause: "decay" } } : { $unset: { rescoreAt: "", rescoreCause: "" } });
  }

  // ------------------------------------------------------------ conversion

  /**
   * Claims the lead's conversion for one attempt until `heldUntil`: a qualified lead not yet
   * converting starts at step "none"; a conversion in progress whose holder's time ran out (it
   * died or hangs) is taken over at its resume point; a failed one starts again where it failed.
   * Undefined when another attempt holds it. The lead as claimed otherwise.
   */
  async claimConversion(tenantId: string, id: string, request: ConversionRequest, holdMs: number, now: Date): Promise<Lead | undefined> {
    const attempt = uuidv7(now.getTime());
    const heldUntil = new Date(now.getTime() + holdMs);
    const fresh: LeadConversion & { attempt: string } = {
      state: "in_progress", step: "none", organizationId: "", organizationReused: false, contactId: "", contactReused: false, dealId: "", notes: [], startedAt: now, error: "", request, heldUntil, attempt,
    };
    const startNew = await this.model
      // findAndModify takes no projection on FerretDB 1.24: the history is read, and dropped by toLead.
      .findOneAndUpdate({ _id: id, tenantId, status: "qualified", conversion: { $exists: false } }, { $set: { conversion: fresh, updatedAt: now }, $inc: { version: 1 } }, { returnDocument: "after" })
      .lean<LeadDocument>();
    if (startNew) return toLead(startNew);
    const resume = await this.model
      .findOneAndUpdate(
        { _id: id, tenantId, $or: [{ "conversion.state": "failed" }, { "conversion.state": "in_progress", "conversion.heldUntil": { $lt: now } }] },
        { $set: { "conversion.state": "in_progress", "conversion.heldUntil": heldUntil, "conversion.attempt": attempt, "conversion.error": "", updatedAt: now }, $inc: { version: 1 } },
        { returnDocument: "after" },
      )
      .lean<LeadDocument>();
    return resume ? toLead(resume) : undefined;
  }

  /** Records a step done (the resume point moves on) while the attempt still holds the conversion; false when it lost it. */
  async recordStep(lead: Lead, step: ConversionStep, found: Partial<LeadConversion>, holdMs: number, now: Date): Promise<boolean> {
    const set: Record<string, unknown> = { "conversion.step": step, "conversion.heldUntil": new Date(now.getTime() + holdMs), updatedAt: now };
    for (const [key, value] of Object.entries(found)) set[`conversion.${key}`] = value;
    const result = await this.model.updateOne({ _id: lead.id, tenantId: lead.tenantId, "conversion.attempt": attemptOf(lead) }, { $set: set, $inc: { version: 1 } });
    return result.modifiedCount > 0;
  }

  /** The last step: the lead is converted, names its records, and lead.converted leaves with it. */
  async completeConversion(lead: Lead, actor: string, now: Date): Promise<boolean> {
    const conversion = { ...lead.conversion!, state: "completed" as const, step: "completed" as const, completedAt: now };
    const converted: Lead = { ...lead, status: "converted", contactId: conversion.contactId, organizationId: conversion.organizationId, dealId: conversion.dealId, conversion };
    const outbox = appendToOutbox([leadConverted(converted, actor, now)], now);
    const result = await this.model.updateOne(
      { _id: lead.id, tenantId: lead.tenantId, "conversion.attempt": attemptOf(lead), "conversion.state": "in_progress" },
      {
        $set: { status: "converted", contactId: conversion.contactId, organizationId: conversion.organizationId, dealId: conversion.dealId, "conversion.state": "completed", "conversion.step": "completed", "conversion.completedAt": now, updatedAt: now, updatedBy: actor, ...outbox.$set },
        $push: outbox.$push,
        $inc: { version: 1 },
      },
    );
    if (result.modifiedCount > 0) this.outbox.changed(lead.id);
    return result.modifiedCount > 0;
  }

  /** A conversion that cannot go on (contacts refused its input): failed with the reason, to be tried again. */
  async failConversion(lead: Lead, error: string, now: Date): Promise<void> {
    await this.model.updateOne({ _id: lead.id, tenantId: lead.tenantId, "conversion.attempt": attemptOf(lead) }, { $set: { "conversion.state": "failed", "conversion.error": error, updatedAt: now }, $inc: { version: 1 } });
  }

  /** Conversions, in any tenant, left in progress by an attempt whose time ran out: the recovery sweep's queue. */
  async stalledConversions(now: Date, limit: number): Promise<Lead[]> {
    const documents = await this.model.collection.find({ "conversion.state": "in_progress", "conversion.heldUntil": { $lt: now } }, { projection: WITHOUT_HISTORY }).limit(limit).toArray();
    return (documents as unknown as LeadDocument[]).map(toLead);
  }

  // ------------------------------------------------------------ contacts' fates

  /** Leads of the merged contact now name the survivor. */
  async repointContact(tenantId: string, mergedId: string, survivorId: string): Promise<number> {
    return (await this.model.updateMany({ tenantId, contactId: mergedId }, { $set: { contactId: survivorId, rescoreAt: new Date(), rescoreCause: "merged" }, $inc: { version: 1 } })).modifiedCount;
  }

  /** Leads of the subject: by contact, or by one of its e-mail addresses. */
  async ofSubject(tenantId: string, contactIds: string[], emails: string[]): Promise<Lead[]> {
    const conditions = [...(contactIds.length > 0 ? [{ contactId: { $in: contactIds } }] : []), ...(emails.length > 0 ? [{ "person.email": { $in: emails.map((e) => e.toLowerCase()) } }] : [])];
    if (conditions.length === 0) return [];
    return (await this.model.find({ tenantId, $or: conditions }, WITHOUT_HISTORY).lean<LeadDocument[]>()).map(toLead);
  }

  /** Erases a lead's personal fields (and reasons and history that could name what its person did). */
  async erase(lead: Lead, fields: LeadFields, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: lead.id, tenantId: lead.tenantId },
      { $set: { ...fieldsOf(fields), erased: true, scoreReasons: [], scoreHistory: [], updatedAt: now, updatedBy: "service:sales-pipeline" }, $inc: { version: 1 }, $unset: { rescoreAt: "" } },
    );
  }

  private async writeScored(current: Lead, next: Lead, { score, cause }: Scored, actor: string, now: Date, update: UpdateQuery<LeadDocument>): Promise<boolean> {
    const changed = score.score !== current.score;
    const scoredLead: Lead = { ...next, score: score.score, scoreReasons: score.reasons, scoredAt: now };
    const events: OutboxEvent[] = changed ? [leadScoreChanged(scoredLead, current.score, cause, actor, now)] : [];
    const watch = rescoreWatch(score, now);
    const set: Record<string, unknown> = { ...update.$set, score: score.score, scoreReasons: score.reasons, scoredAt: now, version: next.version };
    if (changed) {
      // The history is capped: the newest HISTORY_LIMIT changes, read and written with the version.
      const stored = await this.findDocument(current.tenantId, current.id, { scoreHistory: 1 });
      const entry: ScoreHistoryEntry = { score: score.score, previousScore: current.score, at: now, cause, reasons: score.reasons };
      set.scoreHistory = [...(stored?.scoreHistory ?? []), entry].slice(-HISTORY_LIMIT);
    }
    const write: UpdateQuery<LeadDocument> = watch.rescoreAt ? { $set: { ...set, ...watch, rescoreCause: "decay" } } : { $set: set, $unset: { rescoreAt: "", rescoreCause: "" } };
    return this.updateAtVersion(current.tenantId, current.id, current.version, write, events, now);
  }
}

/** A score with decaying parts is looked at again in a day. */
function rescoreWatch(score: Score, now: Date): { rescoreAt?: Date } {
  return score.decays ? { rescoreAt: new Date(now.getTime() + DAY_MS) } : {};
}

function attemptOf(lead: Lead): string {
  return (lead.conversion as (LeadConversion & { attempt?: string }) | undefined)?.attempt ?? "";
}

function fieldsOf(fields: LeadFields): LeadFields {
  const { name, person, company, country, source, sourceDetail, status, ownerId, tags, contactId, disqualifyReason } = fields;
  return { name, person, company, country, source, sourceDetail, status, ownerId, tags, contactId, disqualifyReason };
}

function toDocument(lead: Lead): Omit<LeadDocument, "requestKey" | "outbox" | "outboxSince" | "scoreHistory"> {
  const { id, conversion: _conversion, ...rest } = lead;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, without its outbox, history or sweep marks. */
export function toLead(document: Partial<LeadDocument> & Pick<LeadDocument, "_id">): Lead {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, scoreHistory: _history, rescoreAt: _rescore, rescoreCause: _cause, ...fields } = document;
  return { ...(fields as Omit<Lead, "id">), id: _id };
}
