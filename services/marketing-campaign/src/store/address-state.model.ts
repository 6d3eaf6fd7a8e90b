import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * What bounces did to one address of a tenant (`<tenant>|<channel>|<address>`): its recent soft
 * bounces (each by its provider event id, so a repeat adds nothing) and, once a rule fired, when
 * and why it was suppressed. Audiences exclude hard-bounced addresses from here.
 */
export interface AddressStateDocument {
  _id: string;
  tenantId: string;
  channel: string;
  address: string;
  softBounces: Array<{ eventId: string; at: Date }>;
  suppressedAt?: Date;
  /** hard_bounced, complained or soft_bounced (the soft-bounce rule). */
  suppressedFor?: string;
}

const schema = new Schema<AddressStateDocument>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    address: { type: String, required: true },
    softBounces: { type: [new Schema({ eventId: String, at: Date }, { _id: false })], default: [] },
    suppressedAt: Date,
    suppressedFor: String,
  },
  { collection: "address_states", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, address: 1 });

export type AddressStateModel = Model<AddressStateDocument>;
export const createAddressStateModel = (connection: Connection): Promise<AddressStateModel> => registerModel(connection, "AddressState", schema);
