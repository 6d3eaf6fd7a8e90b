import { CoalescingRun, type Logger } from "@crm/kit/edge";
import type { DeliveryDocument } from "./delivery.model";
import type { DeliveryStore } from "./delivery-store";
import { send } from "./sender";
import { signedHeaders } from "./signature";
import type { SubscriptionStore } from "./subscription-store";
import type { TargetGuard } from "./target-guard";

export interface DispatcherSettings {
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, with jitter, up to MAX_DELAY_MS. */
  retryBaseMs: number;
  timeoutMs: number;
  disableAfterFailures: number;
  /** How often due retries are looked for (new deliveries kick the dispatcher at once). */
  pollMs?: number;
  /** Deliveries sent at once by this replica. */
  concurrency?: number;
}

const MAX_DELAY_MS = 6 * 3600_000;

/**
 * Sends due deliveries, on every replica: each claims one at a time with a lease in MongoDB
 * (a findOneAndUpdate), so that a delivery is sent by one replica, and one whose replica died
 * mid-send is taken over when its lease ends. Failures are retried with exponential backoff;
 * an endpoint failing attempt after attempt is disabled.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly claiming = new CoalescingRun(() => this.claimAll());
  private stopping = false;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly subscriptions: SubscriptionStore,
    private readonly guard: TargetGuard,
    private readonly settings: DispatcherSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due deliveries now (new ones were just stored). */
  kick(): void {
    if (!this.stopping) this.claiming.kick();
  }

  /** Stops claiming; resolves when the deliveries in hand are sent. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.claiming.stop();
    await Promise.all(this.sending);
  }

  /** Claims one delivery at a time (one claimer per replica) and sends up to `concurrency` at once. */
  private async claimAll(): Promise<void> {
    const concurrency = this.settings.concurrency ?? 8;
    try {
      while (!this.stopping) {
        if (this.sending.size >= concurrency) await Promise.race(this.sending);
        const delivery = await this.deliveries.claim(this.settings.timeoutMs * 2);
        if (!delivery) return;
        const sent: Promise<void> = this.deliver(delivery)
          .catch((error: unknown) => this.log.warn({ err: error, delivery: delivery._id }, "webhook delivery could not be recorded; its lease will run out and it will be sent again"))
          .finally(() => this.sending.delete(sent));
        this.sending.add(sent);
      }
    } catch (error) {
      this.log.warn({ err: error }, "webhook deliveries could not be claimed; retrying on the next poll");
    }
  }

  private async deliver(delivery: DeliveryDocument): Promise<void> {
    const subscription = await this.subscriptions.get(delivery.tenantId, delivery.subscriptionId).catch(() => undefined);
    if (!subscription || !subscription.enabled) {
      await this.deliveries.abandon(delivery, subscription ? "the endpoint is disabled" : "the endpoint was deleted");
      return;
    }
    const headers = signedHeaders(subscription.secret, `msg_${delivery.eventId}`, delivery.payload);
    const result = await send(subscription.url, headers, delivery.payload, this.guard, this.settings.timeoutMs);
    const succeeded = result.status >= 200 && result.status < 300;
    const attempt = { at: new Date(), ...result };
    const attemptNumber = delivery.attemptCount + 1;
    if (succeeded) await this.deliveries.recordAttempt(delivery, attempt, { status: "succeeded" });
    else if (attemptNumber >= this.settings.maxAttempts) await this.deliveries.recordAttempt(delivery, attempt, { status: "failed" });
    else await this.deliveries.recordAttempt(delivery, attempt, { status: "pending", retryAt: new Date(Date.now() + this.delayBefore(attemptNumber + 1)) });
    await this.subscriptions.recordOutcome(subscription, succeeded, this.settings.disableAfterFailures);
    // The endpoint is the API consumer's: its failures are expected, not the gateway's errors.
    if (!succeeded) this.log.info({ delivery: delivery._id, subscription: subscription._id, attempt: attemptNumber, error: result.error }, "webhook delivery failed");
  }

  /** Delay before attempt n (n >= 2): base, 2 base, 4 base…, ±20 %, at most six hours. */
  private delayBefore(attempt: number): number {
    const exponential = this.settings.retryBaseMs * 2 ** (attempt - 2);
    return Math.min(MAX_DELAY_MS, exponential * (0.8 + Math.random() * 0.4));
  }
}
