import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

export type ImportStatus = "awaiting_file" | "receiving" | "queued" | "running" | "completed" | "failed";
export type DuplicatePolicy = "skip" | "update" | "create";

export interface ImportOptions {
  entity: "contacts" | "organizations";
  columnMapping: Record<string, string>;
  dryRun: boolean;
  naturalKey: "email" | "phone" | "external_id" | "domain";
  onDuplicate: DuplicatePolicy;
  defaultPhoneRegion: string;
  /** Import a row without its invalid optional fields (reported) instead of failing it. */
  dropInvalidOptionalFields?: boolean;
}

export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}

export interface ImportCounts {
  rowsProcessed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface ImportJobDocument extends ImportCounts {
  _id: string;
  tenantId: string;
  options: ImportOptions;
  status: ImportStatus;
  rowErrors: ImportRowError[];
  failureReason: string;
  /** Size of the uploaded file. */
  bytesReceived: number;
  /** CSV records read and applied so far: where a resumed job carries on. */
  recordsRead: number;
  /** The worker running the job, and until when it holds it unless it renews the lease. */
  leaseOwner?: string;
  leaseUntil?: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

const schema = new Schema<ImportJobDocument>(
  {
    _id: { type: String, required: true },
    options: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true },
    rowsProcessed: { type: Number, default: 0 },
    created: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    rowErrors: { type: [new Schema({ row: Number, field: String, message: String }, { _id: false })], default: [] },
    failureReason: { type: String, default: "" },
    bytesReceived: { type: Number, default: 0 },
    recordsRead: { type: Number, default: 0 },
    leaseOwner: String,
    leaseUntil: Date,
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { collection: "import_jobs", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
// Workers look for queued jobs and jobs whose worker stopped renewing its lease.
schema.index({ status: 1, leaseUntil: 1 });

export type ImportJobModel = Model<ImportJobDocument>;

export const createImportJobModel = (connection: Connection): Promise<ImportJobModel> => registerModel(connection, "ImportJob", schema);
