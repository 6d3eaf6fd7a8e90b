import { Schema, type Connection, type Model } from "mongoose";
import { outboxPlugin, type OutboxEvent } from "../mongo/outbox";
import { registerModel } from "../mongo/record";
import { tenantScopePlugin } from "../mongo/tenant-scope";

/** The receipt of one erasure request in one service: what was done, and its confirmation in the outbox. */
export interface ErasureReceiptDocument {
  /** `<tenant>|<request id>`: a repeated request finds its receipt by primary key. */
  _id: string;
  tenantId: string;
  requestId: string;
  status: "erasing" | "done";
  /** Ids of the records erased or anonymised, for audit. */
  recordIds: string[];
  erased: number;
  anonymised: number;
  receivedAt: Date;
  completedAt?: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<ErasureReceiptDocument>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    status: { type: String, required: true },
    recordIds: { type: [String], default: [] },
    erased: { type: Number, default: 0 },
    anonymised: { type: Number, default: 0 },
    receivedAt: { type: Date, required: true },
    completedAt: Date,
  },
  { collection: "erasures", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);

export type ErasureReceiptModel = Model<ErasureReceiptDocument>;

export const createErasureReceiptModel = (connection: Connection): Promise<ErasureReceiptModel> => registerModel(connection, "Erasure", schema);
