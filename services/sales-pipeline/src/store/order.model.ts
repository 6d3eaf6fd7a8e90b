import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Order, OrderLine, StatusChange } from "../domain/order";

/**
 * An order as stored. `valuePendingSince` marks an order whose customers' values have not taken
 * it in yet: set in the same write as the order's change, cleared once they have, so that a crash
 * between the two leaves work for the customer-value sweep, never a stale value.
 */
export interface OrderDocument extends Omit<Order, "id"> {
  _id: string;
  requestKey: string;
  valuePendingSince?: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<OrderDocument>(
  {
    _id: { type: String, required: true },
    contactId: { type: String, default: "" },
    organizationId: { type: String, default: "" },
    dealId: { type: String, default: "" },
    currency: { type: String, required: true },
    lines: { type: Schema.Types.Mixed, required: true } as unknown as OrderLine[],
    totalMinor: { type: Number, required: true },
    placedAt: { type: Date, required: true },
    status: { type: String, required: true },
    statusHistory: { type: Schema.Types.Mixed, default: [] } as unknown as StatusChange[],
    buyerErased: { type: Boolean },
    valuePendingSince: { type: Date },
  },
  { collection: "orders", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
schema.index({ tenantId: 1, placedAt: -1, _id: -1 });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
// A customer's orders (its value, its history), newest first.
schema.index({ tenantId: 1, contactId: 1, placedAt: -1 });
schema.index({ tenantId: 1, organizationId: 1, placedAt: -1 });
schema.index({ valuePendingSince: 1 }, { sparse: true });

export type OrderModel = Model<OrderDocument>;

export const createOrderModel = (connection: Connection): Promise<OrderModel> => registerModel(connection, "Order", schema);
