import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * One member of a campaign's audience snapshot, keyed by its message id (one per campaign and
 * contact, domain/audience.ts messageIdOf): excluded with its reason, or to be sent to. Its
 * status records each send before the provider is called (`sending`) and after (`sent`), so that
 * a restart knows which sends are in doubt and reconciles them instead of sending again.
 */
export type RecipientStatus = "pending" | "sending" | "sent" | "excluded" | "failed";

export interface RecipientDocument {
  _id: string;
  tenantId: string;
  campaignId: string;
  contactId: string;
  status: RecipientStatus;
  /** For excluded ones. */
  reason?: string;
  variant: string;
  /** The address and the personalisation values the campaign uses, snapshotted at audience time. */
  address: string;
  values: Record<string, string>;
  attempts: number;
  /** The runner that marked it `sending` (campaign-runner.ts owner). */
  sender?: string;
  lastError?: string;
  updatedAt: Date;
}

const schema = new Schema<RecipientDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    contactId: { type: String, required: true },
    status: { type: String, required: true },
    reason: String,
    variant: { type: String, default: "" },
    address: { type: String, default: "" },
    values: { type: Schema.Types.Mixed, default: {} },
    attempts: { type: Number, default: 0 },
    sender: String,
    lastError: String,
    updatedAt: { type: Date, required: true },
  },
  { collection: "recipients", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);

// The send job reads a campaign's recipients by status, in id order (its batches).
schema.index({ tenantId: 1, campaignId: 1, status: 1, _id: 1 });
// A contact's pending sends (consent withdrawn, merges, erasure).
schema.index({ tenantId: 1, contactId: 1, status: 1 });

export type RecipientModel = Model<RecipientDocument>;
export const createRecipientModel = (connection: Connection): Promise<RecipientModel> => registerModel(connection, "Recipient", schema);
