import type { Schema } from "mongoose";

/** Who made and last changed a record, when, and its version (bumped by every write, for etags). */
export interface RecordAudit {
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** Adds the audit fields to a schema; every record a service owns has them. */
export function recordAuditPlugin(schema: Schema): void {
  schema.add({
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true, default: 1 },
  });
}

/** Audit fields of a new record made by this actor now, at version 1. */
export function newRecordAudit(actor: { subject: string }, now: Date): RecordAudit {
  return { createdBy: actor.subject, updatedBy: actor.subject, createdAt: now, updatedAt: now, version: 1 };
}
