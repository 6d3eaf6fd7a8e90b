import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/** A ticket opened (support-tickets' ticket.opened), by requester, for "more than N tickets". `<tenant>|<ticketId>`. */
export interface TicketDocument {
  _id: string;
  tenantId: string;
  ticketId: string;
  contactId: string;
  openedAt: Date;
}

const schema = new Schema<TicketDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    contactId: { type: String, required: true },
    openedAt: { type: Date, required: true },
  },
  { collection: "tickets", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, contactId: 1 });

export type TicketModel = Model<TicketDocument>;
export const createTicketModel = (connection: Connection): Promise<TicketModel> => registerModel(connection, "Ticket", schema);
