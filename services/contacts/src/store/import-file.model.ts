import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * One piece of an uploaded import file. Files are kept in the database, not on a replica's
 * disk, so that any replica can process (or resume) the job, and removed once it is done.
 */
export interface ImportFileChunkDocument {
  _id: string;
  tenantId: string;
  jobId: string;
  seq: number;
  data: Buffer;
}

const schema = new Schema<ImportFileChunkDocument>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    seq: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: "import_file_chunks", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, jobId: 1, seq: 1 }, { unique: true });

export type ImportFileChunkModel = Model<ImportFileChunkDocument>;

export const createImportFileChunkModel = (connection: Connection): Promise<ImportFileChunkModel> => registerModel(connection, "ImportFileChunk", schema);
