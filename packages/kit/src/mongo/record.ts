import type { Connection, Model, Schema } from "mongoose";

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

/** The weak etag of a record's version, `W/"3"`: clients send it back in If-Match. */
export function toEtag(version: number): string {
  return `W/"${version}"`;
}

/** Audit fields of a new record made by this actor now, at version 1. */
export function newRecordAudit(actor: { subject: string }, now: Date): RecordAudit {
  return { createdBy: actor.subject, updatedBy: actor.subject, createdAt: now, updatedAt: now, version: 1 };
}

/**
 * Adds the key that makes creates idempotent (TenantRepository.insertOnce): the client's request
 * id, or the record's own id when it gave none, unique per tenant.
 */
export function idempotentCreatePlugin(schema: Schema): void {
  schema.add({ requestKey: { type: String, required: true } });
  schema.index({ tenantId: 1, requestKey: 1 }, { unique: true });
}

/** Registers a model on the service's connection and makes sure its declared indexes exist. */
export async function registerModel<D>(connection: Connection, name: string, schema: Schema<D>): Promise<Model<D>> {
  const model = connection.model<D>(name, schema);
  await model.createIndexes();
  return model;
}
