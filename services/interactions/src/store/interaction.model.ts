import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { InteractionFields, InteractionState } from "../domain/interaction";

/** An interaction as stored: its fields, what lists find it by, the key of its create, and its outbox. */
export interface InteractionDocument extends InteractionFields, RecordAudit {
  _id: string;
  tenantId: string;
  state: InteractionState;
  /** `type:id` of every linked record, merged contacts followed to their survivor (domain/links.ts). */
  refs: string[];
  /** Prefixes of the words of its text (domain/text-search.ts). */
  searchTokens: string[];
  /** The client's request id, or `email:<message id>` so that an e-mail is logged once. */
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<InteractionDocument>(
  {
    _id: { type: String, required: true },
    state: { type: String, required: true, default: "active" },
    occurredAt: { type: Date, required: true },
    ownerId: { type: String, required: true },
    contactIds: { type: [String], default: [] },
    organizationId: { type: String, default: "" },
    dealId: { type: String, default: "" },
    ticketId: { type: String, default: "" },
    subject: { type: String, default: "" },
    body: { type: String, default: "" },
    // One kind's details, `kind` first (domain/interaction-details.ts).
    details: { type: Schema.Types.Mixed, required: true },
    refs: { type: [String], default: [] },
    searchTokens: { type: [String], default: [] },
  },
  { collection: "interactions", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

// Lists read active interactions; each order a list offers is (tenant, state, [equality], sort
// field, id), the cursor's tie-breaker, so that a page is read in order and no further. A list
// by a linked record (contactId, organizationId...) or a search goes through refs or tokens.
schema.index({ tenantId: 1, state: 1, occurredAt: -1, _id: -1 });
schema.index({ tenantId: 1, state: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, state: 1, refs: 1, occurredAt: -1, _id: -1 });
schema.index({ tenantId: 1, state: 1, searchTokens: 1, occurredAt: -1, _id: -1 });
// What merges and erasure look for: the contacts as they were given.
schema.index({ tenantId: 1, contactIds: 1 });

export type InteractionModel = Model<InteractionDocument>;

export const createInteractionModel = (connection: Connection): Promise<InteractionModel> => registerModel(connection, "Interaction", schema);
