import { serviceStream, TtlCache, type Logger } from "@crm/kit/edge";
import type { EventBus, EventConsumer, ReceivedEvent, RedisIdempotencyStore } from "@crm/kit/edge-store";
import type { commonV1 } from "@crm/proto";
import { parseFilter } from "../query/filter-parser";
import type { DeliveryStore } from "./delivery-store";
import { eventData, eventTypeOf, typeMatches } from "./event-types";
import { matchesFilter } from "./payload-filter";
import type { SubscriptionStore } from "./subscription-store";

export interface FanOutSettings {
  bus: EventBus;
  /** The registered services, whose streams are followed. */
  services: string[];
  /** Prefix of the durable consumers (CONSUMER_GROUP): replicas share them, and so the work. */
  consumerGroup: string;
  idempotency: RedisIdempotencyStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  /** Told when deliveries were stored, to send them at once. */
  onDeliveries: () => void;
  log: Logger;
}

/**
 * Turns the services' events into webhook deliveries: a durable consumer per service stream
 * (starting with events published from its creation on) matches each event against its tenant's
 * enabled subscriptions (type patterns, then the filter on the event's data) and stores one
 * delivery per match, once per subscription and event however often the event arrives.
 */
export async function fanOutEvents(settings: FanOutSettings): Promise<EventConsumer[]> {
  const { bus, services, consumerGroup, idempotency, log } = settings;
  const filters = new TtlCache<commonV1.Filter | undefined>(1_000);
  const filterOf = (text: string) => {
    if (!text) return undefined;
    const known = filters.get(text);
    if (known) return known;
    const parsed = parseFilter(text);
    filters.set(text, parsed, Date.now() + 3600_000);
    return parsed;
  };
  const handler = async (event: ReceivedEvent) => {
    if (!event.tenantId) return;
    const type = eventTypeOf(event.subject);
    const subscribed = (await settings.subscriptions.enabledOf(event.tenantId)).filter((s) => s.eventTypes.some((pattern) => typeMatches(pattern, type)));
    if (subscribed.length === 0) return;
    const decoded = eventData(event.type, event.payload);
    if (!decoded) {
      log.warn({ type: event.type, subject: event.subject }, "webhooks: an event of a type this gateway cannot read; not delivered");
      return;
    }
    const targets = subscribed.filter((s) => matchesFilter(filterOf(s.filter), decoded.data));
    const payload = JSON.stringify({ id: event.eventId, type, timestamp: decoded.occurredAt ?? new Date().toISOString(), data: decoded.data });
    const stored = await settings.deliveries.addAll(
      targets.map((s) => ({ tenantId: event.tenantId, subscriptionId: s._id, eventId: event.eventId, eventType: type, payload })),
    );
    if (stored > 0) settings.onDeliveries();
  };
  const consumers: EventConsumer[] = [];
  for (const service of services) {
    const stream = serviceStream(service);
    await bus.ensureStream(stream.name, stream.subjects);
    consumers.push(await bus.consume({ stream: stream.name, durable: `${consumerGroup}-webhooks`, filterSubjects: stream.subjects, idempotency, handler, startAt: "new" }));
  }
  return consumers;
}
