import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * What became of one contact, as the contacts service announced it: merged into another (until
 * the merge is undone), or erased. Only contacts with such a fate have a document.
 */
export interface ContactFateDocument {
  /** `<tenant>|<contact id>`. */
  _id: string;
  tenantId: string;
  contactId: string;
  /** The survivor while merged; unset when the merge was undone. */
  mergedInto?: string;
  mergeId?: string;
  /** When the last merge or undo applied happened: an older one arriving late changes nothing. */
  mergeChangedAt?: Date;
  erased: boolean;
}

const schema = new Schema<ContactFateDocument>(
  {
    _id: { type: String, required: true },
    contactId: { type: String, required: true },
    mergedInto: String,
    mergeId: String,
    mergeChangedAt: Date,
    erased: { type: Boolean, default: false },
  },
  { collection: "contact_fates", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
// The contacts merged into one: what its timeline must gather.
schema.index({ tenantId: 1, mergedInto: 1 });

export type ContactFateModel = Model<ContactFateDocument>;

export const createContactFateModel = (connection: Connection): Promise<ContactFateModel> => registerModel(connection, "ContactFate", schema);
