import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Order } from "../domain/order";
import { ORDER_EVENTS } from "./subjects";

const common = (order: Order) => ({
  orderId: order.id,
  contactId: order.contactId,
  organizationId: order.organizationId,
  total: { currencyCode: order.currency, amountMinor: String(order.totalMinor) },
  skus: [...new Set(order.lines.map((line) => line.sku))],
});

/** order.placed: the buyer, the total and the SKUs, for segments and campaign influence. */
export function orderPlaced(order: Order): OutboxEvent {
  return outboxEventWithMeta(ORDER_EVENTS.placed, order.tenantId, order.createdBy, order.placedAt, (meta) => ({ meta, ...common(order) }), eventsV1.OrderPlaced);
}

export function orderStatusChanged(order: Order, fromStatus: string, actor: string, at: Date): OutboxEvent {
  return outboxEventWithMeta(ORDER_EVENTS.statusChanged, order.tenantId, actor, at, (meta) => ({ meta, ...common(order), fromStatus, toStatus: order.status }), eventsV1.OrderStatusChanged);
}
