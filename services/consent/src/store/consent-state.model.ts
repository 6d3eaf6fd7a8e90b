import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { CHANNELS, SOURCES, type Channel, type ConsentSource, type ConsentStatus } from "../domain/consent";

/**
 * The current consent of one subject for one purpose on one channel: the ledger's latest entry
 * for them, kept for lists and checks (the ledger is the record; this can be rebuilt from it).
 * Its id says what it is about, so that projecting an entry twice writes the same document.
 */
export interface ConsentStateDocument {
  /** `<purposeId>:<subjectId>:<channel>` */
  _id: string;
  tenantId: string;
  subjectId: string;
  purposeId: string;
  channel: Channel;
  status: ConsentStatus;
  source: ConsentSource;
  noticeVersion: number;
  /** When the subject granted or withdrew it. */
  changedAt: Date;
  expiresAt?: Date;
  /** The ledger entry it comes from: an older entry never overwrites a newer one. */
  ledgerSeq: number;
  updatedAt: Date;
}

const schema = new Schema<ConsentStateDocument>(
  {
    _id: { type: String, required: true },
    subjectId: { type: String, required: true },
    purposeId: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    status: { type: String, enum: ["granted", "withdrawn"], required: true },
    source: { type: String, enum: SOURCES, required: true },
    noticeVersion: { type: Number, required: true },
    changedAt: { type: Date, required: true },
    expiresAt: Date,
    ledgerSeq: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: "consents", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

// Checks read a purpose's subjects by the thousand; a subject's consents are read for its export.
schema.index({ tenantId: 1, purposeId: 1, subjectId: 1 });
// The orders lists offer (domain/list-fields.ts), of all consents and of one subject's.
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, changedAt: -1, _id: -1 });
schema.index({ tenantId: 1, subjectId: 1, updatedAt: -1, _id: -1 });

export type ConsentStateModel = Model<ConsentStateDocument>;

export const createConsentStateModel = (connection: Connection): Promise<ConsentStateModel> => registerModel(connection, "ConsentState", schema);

export const consentStateId = (purposeId: string, subjectId: string, channel: string) => `${purposeId}:${subjectId}:${channel}`;
