import { outboxPlugin, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/** The receipt of one erasure request: what was done, and the completion event in its outbox. */
export interface ErasureDocument {
  _id: string;
  tenantId: string;
  requestId: string;
  status: "erasing" | "done";
  contactIds: string[];
  erased: number;
  anonymised: number;
  receivedAt: Date;
  completedAt?: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<ErasureDocument>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    status: { type: String, required: true },
    contactIds: { type: [String], default: [] },
    erased: { type: Number, default: 0 },
    anonymised: { type: Number, default: 0 },
    receivedAt: { type: Date, required: true },
    completedAt: Date,
  },
  { collection: "erasures", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);

export type ErasureModel = Model<ErasureDocument>;

export async function createErasureModel(connection: Connection): Promise<ErasureModel> {
  const model = connection.model<ErasureDocument>("Erasure", schema);
  await model.createIndexes();
  return model;
}
