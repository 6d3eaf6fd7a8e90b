import { connect } from "@nats-io/transport-node";
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { testInfra } from "./infra";

/** An event as it went over NATS: subject, headers (event id, tenant, type, trace) and payload. */
export interface WatchedEvent {
  subject: string;
  headers: Record<string, string>;
  payload: Uint8Array;
}

/**
 * Sees the events published on some subjects from now on, as any NATS client would: a plain
 * subscription, beside the streams, so that a test observes what a service publishes without
 * creating consumers of its own.
 */
export class EventWatcher {
  private readonly events: WatchedEvent[] = [];

  private constructor(
    private readonly connection: NatsConnection,
    private readonly subscription: Subscription,
  ) {
    void (async () => {
      for await (const message of subscription) {
        const headers = Object.fromEntries([...(message.headers?.keys() ?? [])].map((key) => [key, message.headers?.get(key) ?? ""]));
        this.events.push({ subject: message.subject, headers, payload: message.data });
      }
    })();
  }

  static async start(subject: string): Promise<EventWatcher> {
    const connection = await connect({ servers: testInfra().natsUrl, name: "event-watcher" });
    const subscription = connection.subscribe(subject);
    await connection.flush();
    return new EventWatcher(connection, subscription);
  }

  /** The first event the predicate accepts, waiting for it to be published. */
  async next(predicate: (event: WatchedEvent) => boolean, timeoutMs = 10_000): Promise<WatchedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event on ${this.subscription.getSubject()} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Every event seen so far that the predicate accepts, e.g. to check that something was published once. */
  matching(predicate: (event: WatchedEvent) => boolean): WatchedEvent[] {
    return this.events.filter(predicate);
  }

  async stop(): Promise<void> {
    this.subscription.unsubscribe();
    await this.connection.drain();
  }
}
