import { NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Pipeline, PipelineFields } from "../domain/pipeline";
import { DEFAULT_PIPELINE_ORDER, PIPELINE_LIST_FIELDS } from "../domain/list-fields";
import type { PipelineDocument, PipelineModel } from "./pipeline.model";

/** The only code that reads and writes pipelines. */
export class PipelineRepository extends TenantRepository<PipelineDocument> {
  constructor(model: PipelineModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: PipelineFields, requestId: string): Promise<Pipeline> {
    const now = new Date();
    const pipeline: Pipeline = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const { id, ...rest } = pipeline;
    return toPipeline(await this.insertOnce({ ...rest, _id: id, requestKey: requestId || id }, [], now));
  }

  async get(tenantId: string, id: string): Promise<Pipeline> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`pipeline ${id} not found`);
    return toPipeline(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Pipeline>> {
    const page = await this.page(tenantId, query, { fields: PIPELINE_LIST_FIELDS, defaultOrder: DEFAULT_PIPELINE_ORDER });
    return { items: page.items.map(toPipeline), pageInfo: page.pageInfo };
  }

  async update(actor: Actor, current: Pipeline, fields: PipelineFields): Promise<Pipeline> {
    const now = new Date();
    const next: Pipeline = { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const written = await this.updateAtVersion(current.tenantId, current.id, current.version, { $set: { name: fields.name, stages: fields.stages, updatedAt: now, updatedBy: actor.subject, version: next.version } }, [], now);
    if (!written) throw new PreconditionFailedError(`pipeline ${current.id} changed since it was read; read it again`);
    return next;
  }
}

function toPipeline(document: Partial<PipelineDocument> & Pick<PipelineDocument, "_id">): Pipeline {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...(fields as Omit<Pipeline, "id">), id: _id };
}
