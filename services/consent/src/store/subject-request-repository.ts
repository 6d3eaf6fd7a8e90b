import { NotFoundError, TenantRepository, uuidv7, type Actor, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import { DEFAULT_SUBJECT_REQUEST_ORDER, SUBJECT_REQUEST_LIST_FIELDS } from "../domain/list-fields";
import type { SignedReceipt } from "../domain/receipt";
import { initialProgress, type Subject, type SubjectRequestKind } from "../domain/subject-request";
import type { ExportPartDocument, ExportPartModel } from "./export-part.model";
import type { SubjectRequestDocument, SubjectRequestModel } from "./subject-request.model";

export interface NewSubjectRequest {
  kind: SubjectRequestKind;
  subject: Subject;
  subjectPseudonym: string;
  services: string[];
  nextAskAt: Date;
}

/** A request as created, before the relay has its events. */
export type NewRequestDocument = Omit<SubjectRequestDocument, "outbox" | "outboxSince">;

/** The only code that reads and writes subject requests and the parts of their exports. */
export class SubjectRequestRepository extends TenantRepository<SubjectRequestDocument> {
  constructor(
    model: SubjectRequestModel,
    private readonly parts: ExportPartModel,
    outbox: ModelOutbox,
  ) {
    super(model, outbox);
  }

  /** Stores a new request with its first event; one repeated with its request id answers the first. */
  async create(actor: Actor, request: NewSubjectRequest, requestId: string, event: (request: NewRequestDocument) => OutboxEvent): Promise<NewRequestDocument> {
    const now = new Date();
    const id = uuidv7(now.getTime());
    const document: NewRequestDocument = {
      _id: id,
      tenantId: actor.tenantId,
      kind: request.kind,
      status: "in_progress",
      subject: request.subject,
      subjectPseudonym: request.subjectPseudonym,
      requestedBy: actor.subject,
      requestedAt: now,
      progress: initialProgress(request.services),
      nextAskAt: request.nextAskAt,
      version: 1,
      requestKey: requestId || id,
    };
    return this.insertOnce(document, [event(document)], now);
  }

  async get(tenantId: string, id: string): Promise<SubjectRequestDocument> {
    const request = await this.findDocument(tenantId, id);
    if (!request) throw new NotFoundError(`subject request ${id} not found`);
    return request;
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<SubjectRequestDocument>> {
    return this.page(tenantId, query, { fields: SUBJECT_REQUEST_LIST_FIELDS, defaultOrder: DEFAULT_SUBJECT_REQUEST_ORDER });
  }

  /**
   * Takes the request in progress that has waited longest past its next question, in any tenant,
   * and moves its next question `leaseMs` on: of several workers, one gets it, and another takes
   * it over once that time has passed if the first stopped.
   */
  async claimDue(leaseMs: number): Promise<SubjectRequestDocument | undefined> {
    const now = new Date();
    // Across tenants on purpose (the worker serves them all): the raw collection, as the outbox relay does.
    const claimed = await this.model.collection.findOneAndUpdate(
      { status: "in_progress", nextAskAt: { $lte: now } },
      { $set: { nextAskAt: new Date(now.getTime() + leaseMs) } },
      // FerretDB's findAndModify takes no projection: the outbox comes along.
      { sort: { nextAskAt: 1 }, returnDocument: "after" },
    );
    return (claimed ?? undefined) as SubjectRequestDocument | undefined;
  }

  /** A service confirmed its part of an erasure: true the first time, false for a repeat or a request not waiting for it. */
  async confirmErasure(tenantId: string, id: string, service: string, counts: { erased: number; anonymised: number }, at: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, tenantId, kind: "erasure", status: "in_progress", [`progress.${service}.done`]: false },
      { $set: { [`progress.${service}.done`]: true, [`progress.${service}.erased`]: counts.erased, [`progress.${service}.anonymised`]: counts.anonymised, [`progress.${service}.doneAt`]: at } },
    );
    return result.modifiedCount > 0;
  }

  /** A service's part of an export, stored (again, for a repeated answer), then marked done on the request. */
  async storeAnswer(request: SubjectRequestDocument, service: string, answer: { dataJson: string; records: number }, at: Date): Promise<void> {
    const { tenantId, _id: requestId } = request;
    await this.parts.updateOne(
      { _id: `${requestId}:${service}`, tenantId },
      { $set: { requestId, service, dataJson: answer.dataJson, records: answer.records, answeredAt: at } },
      { upsert: true },
    );
    await this.model.updateOne(
      { _id: requestId, tenantId, status: "in_progress" },
      { $set: { [`progress.${service}.done`]: true, [`progress.${service}.records`]: answer.records, [`progress.${service}.doneAt`]: at, [`progress.${service}.lastError`]: "" } },
    );
  }

  /**
   * These services were asked (again) now, one with the error it failed with; with the event that
   * asks them, when it is one; the next question at `nextAskAt`. False when the request changed meanwhile.
   */
  async asked(request: SubjectRequestDocument, asked: Array<{ service: string; error?: string }>, event: OutboxEvent | undefined, nextAskAt: Date, at: Date): Promise<boolean> {
    const set: Record<string, unknown> = { nextAskAt, version: request.version + 1 };
    for (const { service, error } of asked) {
      set[`progress.${service}.asks`] = (request.progress[service]?.asks ?? 0) + 1;
      set[`progress.${service}.lastAskAt`] = at;
      if (error !== undefined) set[`progress.${service}.lastError`] = error.slice(0, 500);
    }
    return this.updateAtVersion(request.tenantId, request._id, request.version, { $set: set }, event ? [event] : [], at);
  }

  /**
   * Completes a request with its receipt and its completion event. An erasure's subject keeps
   * only its pseudonym. False when another worker completed or changed it first.
   */
  async complete(request: SubjectRequestDocument, receipt: SignedReceipt, event: OutboxEvent, at: Date): Promise<boolean> {
    const scrub = request.kind === "erasure" ? { subject: { contactId: "", emails: [], phones: [] } } : {};
    return this.updateAtVersion(
      request.tenantId,
      request._id,
      request.version,
      { $set: { status: "completed", completedAt: at, receipt, version: request.version + 1, ...scrub }, $unset: { nextAskAt: "" } },
      [event],
      at,
    );
  }

  async exportParts(tenantId: string, requestId: string): Promise<ExportPartDocument[]> {
    return this.parts.find({ tenantId, requestId }).sort({ service: 1 }).lean<ExportPartDocument[]>();
  }

  /** The requests about a subject (by pseudonym), for its own export. */
  async ofSubject(tenantId: string, subjectPseudonym: string): Promise<SubjectRequestDocument[]> {
    return this.model.find({ tenantId, subjectPseudonym }, { outbox: 0 }).sort({ requestedAt: 1 }).lean<SubjectRequestDocument[]>();
  }

  /**
   * An erasure of the subject: the exports of its other requests go, and their identifiers (the
   * erasure's own request keeps them until it completes, to ask the services again).
   */
  async forgetSubject(tenantId: string, subjectPseudonym: string, erasureId: string): Promise<{ erased: number; anonymised: number }> {
    const others = (await this.model.find({ tenantId, subjectPseudonym, _id: { $ne: erasureId } }, { _id: 1 }).lean()).map((request) => request._id);
    if (others.length === 0) return { erased: 0, anonymised: 0 };
    const erased = (await this.parts.deleteMany({ tenantId, requestId: { $in: others } })).deletedCount;
    const anonymised = (await this.model.updateMany({ tenantId, _id: { $in: others }, "subject.contactId": { $ne: "" } }, { $set: { subject: { contactId: "", emails: [], phones: [] } } })).modifiedCount;
    return { erased, anonymised };
  }
}
