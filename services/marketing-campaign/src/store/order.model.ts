import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * An order as sales-pipeline announced it (order.placed, order.status_changed), kept for segments:
 * who bought which SKUs, and the lifetime value of orders neither cancelled nor refunded.
 * `<tenant>|<orderId>`; `eventAt` is the occurrence of the latest event applied, so that an
 * older event arriving late changes nothing.
 */
export interface OrderDocument {
  _id: string;
  tenantId: string;
  orderId: string;
  contactId: string;
  currency: string;
  amountMinor: number;
  skus: string[];
  status: string;
  eventAt: Date;
}

const schema = new Schema<OrderDocument>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    contactId: { type: String, default: "" },
    currency: { type: String, default: "" },
    amountMinor: { type: Number, default: 0 },
    skus: { type: [String], default: [] },
    status: { type: String, required: true },
    eventAt: { type: Date, required: true },
  },
  { collection: "orders", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, contactId: 1 });

export type OrderModel = Model<OrderDocument>;
export const createOrderModel = (connection: Connection): Promise<OrderModel> => registerModel(connection, "Order", schema);
