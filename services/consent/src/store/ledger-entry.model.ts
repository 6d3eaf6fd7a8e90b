import { outboxPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { StoredEntry } from "../domain/ledger-chain";

/**
 * One entry of a tenant's append-only ledger (domain/ledger-chain.ts): never changed once
 * written, except that an erasure removes its personal data (its digest stays under the hash)
 * and that the relay empties its outbox. `projectionPendingSince` marks an entry whose consent
 * state and cache are not yet brought up to date (cleared once they are).
 */
export interface LedgerEntryDocument extends Omit<StoredEntry, "id"> {
  _id: string;
  /** The client's request id, or the entry's own id: one entry per key and tenant. */
  requestKey: string;
  projectionPendingSince?: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<LedgerEntryDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, enum: ["consent", "erasure"], required: true },
    subjectId: String,
    purposeId: { type: String, default: "" },
    channel: { type: String, default: "" },
    action: { type: String, default: "" },
    source: { type: String, default: "" },
    noticeVersion: { type: Number, default: 0 },
    ipAddress: String,
    userAgent: String,
    personalSalt: String,
    personalDigest: { type: String, default: "" },
    subjectPseudonym: { type: String, default: "" },
    recordedBy: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    expiresAt: Date,
    note: { type: String, default: "" },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    erasedBy: String,
    requestKey: { type: String, required: true },
    projectionPendingSince: Date,
  },
  { collection: "ledger", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);

// The chain: one entry per position. Two writers that read the same head both try the next
// position; the index lets one in and sends the other back to read the new head.
schema.index({ tenantId: 1, seq: 1 }, { unique: true });
schema.index({ tenantId: 1, requestKey: 1 }, { unique: true });
// History in ledger order (the default, newest first), of all or of one subject.
schema.index({ tenantId: 1, seq: -1, _id: -1 });
schema.index({ tenantId: 1, subjectId: 1, seq: -1, _id: -1 });
schema.index({ projectionPendingSince: 1 }, { sparse: true });

export type LedgerEntryModel = Model<LedgerEntryDocument>;

export const createLedgerEntryModel = (connection: Connection): Promise<LedgerEntryModel> => registerModel(connection, "LedgerEntry", schema);
