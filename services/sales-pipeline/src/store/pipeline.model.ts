import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { PipelineFields, Stage } from "../domain/pipeline";

/** A pipeline as stored: its name and ordered stages. */
export interface PipelineDocument extends PipelineFields, RecordAudit {
  _id: string;
  tenantId: string;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<PipelineDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    stages: { type: Schema.Types.Mixed, required: true } as unknown as Stage[],
  },
  { collection: "pipelines", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
schema.index({ tenantId: 1, createdAt: 1, _id: 1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });

export type PipelineModel = Model<PipelineDocument>;

export const createPipelineModel = (connection: Connection): Promise<PipelineModel> => registerModel(connection, "Pipeline", schema);
