import { NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import { DEFAULT_SEGMENT_ORDER, SEGMENT_LIST_FIELDS } from "../domain/list-fields";
import type { Segment, SegmentFields } from "../domain/segment";
import type { SegmentDocument, SegmentModel } from "./segment.model";

/** The only code that reads and writes segments, each call scoped to its tenant. */
export class SegmentRepository extends TenantRepository<SegmentDocument> {
  constructor(model: SegmentModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new segment; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: SegmentFields, requestId: string): Promise<Segment> {
    const now = new Date();
    const segment: Segment = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const { id, ...rest } = segment;
    return toSegment(await this.insertOnce({ ...rest, _id: id, requestKey: requestId || id }, [], now));
  }

  async get(tenantId: string, id: string): Promise<Segment> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`segment ${id} not found`);
    return toSegment(document);
  }

  async exists(tenantId: string, id: string): Promise<boolean> {
    return (await this.model.countDocuments({ _id: id, tenantId })) > 0;
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Segment>> {
    const page = await this.page(tenantId, query, { fields: SEGMENT_LIST_FIELDS, defaultOrder: DEFAULT_SEGMENT_ORDER });
    return { items: page.items.map(toSegment), pageInfo: page.pageInfo };
  }

  /** Writes new fields at the version read; FAILED_PRECONDITION when it changed since. */
  async update(actor: Actor, current: Segment, fields: SegmentFields): Promise<Segment> {
    const now = new Date();
    const next: Segment = { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const { id: _id, tenantId: _t, createdAt: _c, createdBy: _cb, ...changes } = next;
    if (!(await this.updateAtVersion(current.tenantId, current.id, current.version, { $set: changes }, [], now))) {
      throw new PreconditionFailedError(`segment ${current.id} changed since it was read; read it again`);
    }
    return next;
  }

  async delete(tenantId: string, id: string, version: number | undefined): Promise<void> {
    const result = await this.model.deleteOne({ _id: id, tenantId, ...(version === undefined ? {} : { version }) });
    if (result.deletedCount === 0) {
      await this.get(tenantId, id);
      throw new PreconditionFailedError(`segment ${id} changed since it was read; read it again`);
    }
  }

  /** Static lists naming a contact: the merged contact's place goes to its survivor. */
  async replaceMember(tenantId: string, from: string, to: string): Promise<number> {
    const lists = await this.model.find({ tenantId, contactIds: from }, { contactIds: 1 }).lean();
    for (const list of lists) {
      const members = [...new Set(list.contactIds.map((id) => (id === from ? to : id)))];
      await this.model.updateOne({ _id: list._id, tenantId }, { $set: { contactIds: members } });
    }
    return lists.length;
  }

  /** Static lists lose an erased contact; returns how many lists changed. */
  async removeMember(tenantId: string, contactId: string): Promise<number> {
    const lists = await this.model.find({ tenantId, contactIds: contactId }, { contactIds: 1 }).lean();
    for (const list of lists) await this.model.updateOne({ _id: list._id, tenantId }, { $set: { contactIds: list.contactIds.filter((id) => id !== contactId) } });
    return lists.length;
  }
}

function toSegment(document: Omit<SegmentDocument, "outbox"> & Partial<SegmentDocument>): Segment {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
