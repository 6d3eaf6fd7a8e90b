import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * Something a contact did, as another service's event told it (an interaction, a campaign
 * response): the input of behaviour scoring. One per event and contact (`_id`), so that a
 * redelivered event is stored once; kept whether or not a lead names the contact yet.
 */
export interface SignalDocument {
  /** `<event id>:<contact id>`. */
  _id: string;
  tenantId: string;
  contactId: string;
  behaviour: string;
  label: string;
  occurredAt: Date;
}

const schema = new Schema<SignalDocument>(
  {
    _id: { type: String, required: true },
    contactId: { type: String, required: true },
    behaviour: { type: String, required: true },
    label: { type: String, required: true },
    occurredAt: { type: Date, required: true },
  },
  { collection: "behaviour_signals", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, contactId: 1, occurredAt: -1 });

export type SignalModel = Model<SignalDocument>;

export const createSignalModel = (connection: Connection): Promise<SignalModel> => registerModel(connection, "Signal", schema);
