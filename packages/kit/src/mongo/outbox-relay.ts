import type { Collection, Document } from "mongodb";
import type { Model } from "mongoose";
import type { EventBus } from "../bus/bus";
import type { Logger } from "../logger";
import { kitMeter } from "../telemetry/metrics";
import type { OutboxEvent } from "./outbox";

interface OutboxDocument extends Document {
  _id: string;
  outbox?: Array<Omit<OutboxEvent, "traceHeaders"> & { traceHeaders?: Record<string, string> }>;
}

export interface OutboxRelayOptions {
  bus: EventBus;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  models: Model<any>[];
  log: Logger;
  /** How often documents left with pending events (after a crash, or by another replica) are swept. */
  sweepIntervalMs?: number;
  batchSize?: number;
}

/**
 * Publishes outbox events and removes them once JetStream has stored them. Writers nudge it with
 * the id of the document they changed, so events leave at once; a periodic sweep catches what a
 * crash or an unreachable NATS left behind. Publishing is at-least-once: a crash between publish
 * and removal republishes with the same Nats-Msg-Id, which JetStream de-duplicates.
 */
export class OutboxRelay {
  private readonly collections: Collection<OutboxDocument>[];
  private readonly pending = new Map<Collection<OutboxDocument>, Set<string>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly published = kitMeter().createCounter("outbox.events.published", {
    description: "Events the outbox relay has published",
  });

  constructor(private readonly options: OutboxRelayOptions) {
    this.collections = options.models.map((model) => model.collection as unknown as Collection<OutboxDocument>);
    kitMeter()
      .createObservableGauge("outbox.depth", { description: "Documents with events not yet published" })
      .addCallback(async (result) => {
        for (const collection of this.collections) {
          result.observe(await collection.countDocuments({ outboxSince: { $exists: true } }), {
            collection: collection.collectionName,
          });
        }
      });
  }

  start(): void {
    const interval = this.options.sweepIntervalMs ?? 2_000;
    this.sweepTimer = setInterval(() => this.schedule(() => this.sweep()), interval);
    this.sweepTimer.unref();
    this.schedule(() => this.sweep());
  }

  /** Tells the relay that a document of this model has new events. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  notify(model: Model<any>, id: string): void {
    const collection = model.collection as unknown as Collection<OutboxDocument>;
    let ids = this.pending.get(collection);
    if (!ids) this.pending.set(collection, (ids = new Set()));
    ids.add(id);
    this.schedule(() => this.flushPending());
  }

  /** Stops sweeping and waits for the publishing in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await this.draining;
  }

  /** Resolves when everything scheduled so far has been attempted (for tests and shutdown). */
  idle(): Promise<void> {
    return this.draining;
  }

  // One pass at a time, in order, so that a document's events keep their order.
  private schedule(work: () => Promise<void>): void {
    if (this.stopped) return;
    this.draining = this.draining.then(work).catch((error: unknown) => {
      this.options.log.warn({ err: error }, "outbox relay pass failed; will retry on the next sweep");
    });
  }

  private async flushPending(): Promise<void> {
    for (const [collection, ids] of this.pending) {
      this.pending.delete(collection);
      const documents = await collection.find({ _id: { $in: [...ids] } }, { promoteBuffers: true }).toArray();
      for (const document of documents) await this.relay(collection, document);
    }
  }

  private async sweep(): Promise<void> {
    for (const collection of this.collections) {
      const documents = await collection
        .find({ outboxSince: { $lte: new Date() } }, { promoteBuffers: true })
        .sort({ outboxSince: 1 })
        .limit(this.options.batchSize ?? 100)
        .toArray();
      for (const document of documents) await this.relay(collection, document);
    }
  }

  private async relay(collection: Collection<OutboxDocument>, document: OutboxDocument): Promise<void> {
    for (const event of document.outbox ?? []) {
      await this.options.bus.publish({
        subject: event.subject,
        type: event.type,
        tenantId: event.tenantId,
        eventId: event.id,
        payload: event.payload,
        traceHeaders: event.traceHeaders ?? {},
      });
      // The exact element as read: FerretDB's $pull compares whole elements (and ignores $in),
      // while MongoDB matches a full document the same way, so both remove just this event.
      await collection.updateOne({ _id: document._id }, { $pull: { outbox: event } } as Document);
      this.published.add(1, { subject: event.subject });
    }
    await collection.updateOne({ _id: document._id, outbox: { $size: 0 } }, { $unset: { outboxSince: "" } });
  }
}
