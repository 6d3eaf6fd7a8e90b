import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Contact } from "../domain/contact";

/** The audit of a merge: both records as they were, and where each merged field came from. */
export interface MergeDocument {
  _id: string;
  tenantId: string;
  survivorId: string;
  mergedId: string;
  survivorBefore: Contact;
  mergedBefore: Contact;
  /** Survivor's version written by the merge; undo restores only over that version. */
  survivorVersionAfter: number;
  fieldSources: Record<string, string>;
  status: "started" | "done" | "undone";
  mergedBy: string;
  mergedAt: Date;
  undoneAt?: Date;
}

const schema = new Schema<MergeDocument>(
  {
    _id: { type: String, required: true },
    survivorId: { type: String, required: true },
    mergedId: { type: String, required: true },
    survivorBefore: { type: Schema.Types.Mixed, required: true },
    mergedBefore: { type: Schema.Types.Mixed, required: true },
    survivorVersionAfter: { type: Number, required: true },
    fieldSources: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, required: true },
    mergedBy: { type: String, required: true },
    mergedAt: { type: Date, required: true },
    undoneAt: Date,
  },
  { collection: "merges", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, survivorId: 1 });

export type MergeModel = Model<MergeDocument>;

export const createMergeModel = (connection: Connection): Promise<MergeModel> => registerModel(connection, "Merge", schema);
