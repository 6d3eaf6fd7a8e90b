import type { Logger } from "@crm/kit/edge";
import { EventBus, RedisIdempotencyStore, type EventConsumer } from "@crm/kit/edge-store";
import type { GatewayState } from "../state/gateway-state";
import { WebhookDispatcher, type DispatcherSettings } from "./dispatcher";
import { fanOutEvents } from "./fan-out";
import { TargetGuard } from "./target-guard";

export interface WebhookSettings extends DispatcherSettings {
  natsUrl: string;
  services: string[];
  consumerGroup: string;
  allowedNetworks: string;
}

/** Webhooks at work: the services' events turned into deliveries, and the dispatcher sending them. */
export class Webhooks {
  private constructor(
    readonly guard: TargetGuard,
    readonly dispatcher: WebhookDispatcher,
    private readonly bus: EventBus | undefined,
    private readonly consumers: EventConsumer[],
  ) {}

  /** The guard and dispatcher only (no events followed): enough to manage subscriptions and replay deliveries. */
  static idle(state: GatewayState, settings: Omit<WebhookSettings, "natsUrl" | "services" | "consumerGroup">, log: Logger): Webhooks {
    const guard = new TargetGuard(settings.allowedNetworks);
    return new Webhooks(guard, new WebhookDispatcher(state.deliveries, state.subscriptions, guard, settings, log), undefined, []);
  }

  static async start(state: GatewayState, settings: WebhookSettings, log: Logger): Promise<Webhooks> {
    const guard = new TargetGuard(settings.allowedNetworks);
    const dispatcher = new WebhookDispatcher(state.deliveries, state.subscriptions, guard, settings, log);
    const bus = await EventBus.connect(settings.natsUrl, "gateway-webhooks", log);
    const consumers = await fanOutEvents({
      bus, services: settings.services, consumerGroup: settings.consumerGroup, idempotency: new RedisIdempotencyStore(state.redis),
      subscriptions: state.subscriptions, deliveries: state.deliveries, onDeliveries: () => dispatcher.kick(), log,
    });
    dispatcher.start();
    return new Webhooks(guard, dispatcher, bus, consumers);
  }

  ping(): Promise<void> {
    return this.bus ? this.bus.ping() : Promise.resolve();
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.dispatcher.stop();
    await this.bus?.close();
  }
}
