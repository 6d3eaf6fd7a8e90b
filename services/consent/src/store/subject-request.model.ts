import { idempotentCreatePlugin, outboxPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { SignedReceipt } from "../domain/receipt";
import { SUBJECT_REQUEST_KINDS, type ServiceProgress, type Subject, type SubjectRequestKind, type SubjectRequestStatus } from "../domain/subject-request";

/**
 * An access or erasure request and each service's progress on it (keyed by service name),
 * with its events in the outbox. `nextAskAt` is when the worker looks at it next; claiming it
 * moves that on, which is the worker's lease. Once an erasure completes, the subject's
 * identifiers go and only the pseudonym stays.
 */
export interface SubjectRequestDocument {
  _id: string;
  tenantId: string;
  kind: SubjectRequestKind;
  status: SubjectRequestStatus;
  subject: Subject;
  subjectPseudonym: string;
  requestedBy: string;
  requestedAt: Date;
  progress: Record<string, ServiceProgress>;
  nextAskAt?: Date;
  completedAt?: Date;
  receipt?: SignedReceipt;
  /** Bumped by every write that must not cross another (asking again, completing). */
  version: number;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<SubjectRequestDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: SUBJECT_REQUEST_KINDS, required: true },
    status: { type: String, enum: ["in_progress", "completed"], required: true },
    subject: {
      contactId: { type: String, default: "" },
      emails: { type: [String], default: [] },
      phones: { type: [String], default: [] },
    },
    subjectPseudonym: { type: String, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    progress: { type: Schema.Types.Mixed, required: true },
    nextAskAt: Date,
    completedAt: Date,
    receipt: { receiptJson: String, signature: String, keyId: String, algorithm: String, publicKeyPem: String },
    version: { type: Number, required: true },
  },
  { collection: "subject_requests", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

// The worker's question across tenants: requests in progress that are due.
schema.index({ status: 1, nextAskAt: 1 });
schema.index({ tenantId: 1, requestedAt: -1, _id: -1 });
schema.index({ tenantId: 1, subjectPseudonym: 1 });

export type SubjectRequestModel = Model<SubjectRequestDocument>;

export const createSubjectRequestModel = (connection: Connection): Promise<SubjectRequestModel> => registerModel(connection, "SubjectRequest", schema);
