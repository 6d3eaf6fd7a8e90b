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

/** Documents published at once; each document's own events stay in order. */
const RELAY_CONCURRENCY = 8;

/** What a repository tells the relay after writing events into the outbox of its model's documents. */
export interface ModelOutbox {
  /** A document has new events (read it, publish them). */
  changed(id: string): void;
  /** Documents were just inserted with these events: publish them without reading them back. */
  inserted(documents: InsertedWithEvents[]): void;
}

/** A document just inserted with its events (and the outboxSince it was written with). */
export interface InsertedWithEvents {
  id: string;
  events: OutboxEvent[];
  since: Date;
}

export interface OutboxRelayOptions {
  bus: EventBus;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  models: Model<any>[];
  log: Logger;
  /**
   * How often documents left with pending events (after a crash, or by another replica) are
   * swept. The sweep reads the sparse outboxSince index (on FerretDB through the project's
   * patch), so it costs little when nothing is pending; events written by this process are
   * published at once and retried on their own.
   */
  sweepIntervalMs?: number;
  /** Delay before publishing a document again after a failure. */
  retryDelayMs?: number;
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
          // outboxSince is a date whenever set: a range says "set" in a form the outboxSince index
          // serves on FerretDB too ($exists would read every document at each scrape).
          result.observe(await collection.countDocuments({ outboxSince: { $gte: new Date(0) } }), {
            collection: collection.collectionName,
          });
        }
      });
  }

  start(): void {
    const interval = this.options.sweepIntervalMs ?? 30_000;
    this.sweepTimer = setInterval(() => this.schedule(() => this.sweep()), interval);
    this.sweepTimer.unref();
    this.schedule(() => this.sweep());
  }

  /** Publishes the outbox of one more model, from its next sweep on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  track(model: Model<any>): void {
    this.collections.push(model.collection as unknown as Collection<OutboxDocument>);
  }

  /** The relay as one model's repository sees it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  outboxOf(model: Model<any>): ModelOutbox {
    return { changed: (id) => this.notify(model, id), inserted: (documents) => this.publishInserted(model, documents) };
  }

  /** Tells the relay that a document of this model has new events. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  notify(model: Model<any>, id: string): void {
    this.queue(model.collection as unknown as Collection<OutboxDocument>, id);
    this.schedule(() => this.flushPending());
  }

  /**
   * Publishes the events of documents just inserted, from memory, without reading them back:
   * the writer knows that each document's outbox holds exactly these events since `since`.
   * The outboxes are then emptied with one update per group, on that same condition; a document
   * changed meanwhile (or a failed publish) goes the usual way, read and published again.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  publishInserted(model: Model<any>, documents: InsertedWithEvents[]): void {
    const collection = model.collection as unknown as Collection<OutboxDocument>;
    this.schedule(async () => {
      try {
        await forEachLimited(documents, RELAY_CONCURRENCY, async ({ events }) => {
          for (const event of events) await this.publishEvent(event);
        });
      } catch (error) {
        documents.forEach(({ id }) => this.queue(collection, id));
        this.retryLater(collection, documents[0]!.id, error);
        return;
      }
      const groups = new Map<string, InsertedWithEvents[]>();
      for (const document of documents) {
        const key = `${document.since.getTime()}:${document.events.length}`;
        groups.set(key, [...(groups.get(key) ?? []), document]);
      }
      for (const group of groups.values()) {
        const ids = group.map(({ id }) => id);
        const cleared = await collection.updateMany(
          { _id: { $in: ids }, outboxSince: group[0]!.since, outbox: { $size: group[0]!.events.length } },
          { $set: { outbox: [] }, $unset: { outboxSince: "" } } as Document,
        );
        // Some were changed since: their outboxes hold more, read and published as usual.
        if (cleared.modifiedCount < ids.length) ids.forEach((id) => this.queue(collection, id));
      }
      if (this.pending.size > 0) this.schedule(() => this.flushPending());
    });
  }

  private queue(collection: Collection<OutboxDocument>, id: string): void {
    let ids = this.pending.get(collection);
    if (!ids) this.pending.set(collection, (ids = new Set()));
    ids.add(id);
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
    // Taken whole first: ids queued again for a retry wait for the next pass.
    const batches = [...this.pending];
    this.pending.clear();
    for (const [collection, ids] of batches) {
      // Documents are independent: several at a time, each one's events in order. One
      // primary-key read per document, which FerretDB and MongoDB both serve from the _id index.
      await forEachLimited([...ids], RELAY_CONCURRENCY, async (id) => {
        const document = await collection.findOne({ _id: id }, { promoteBuffers: true });
        if (document) await this.relay(collection, document).catch((error: unknown) => this.retryLater(collection, id, error));
      });
    }
  }

  /** Keeps a document whose publishing failed (NATS unreachable) and tries it again shortly. */
  private retryLater(collection: Collection<OutboxDocument>, id: string, error: unknown): void {
    this.options.log.warn({ err: error, id }, "outbox event not published yet; will retry");
    this.queue(collection, id);
    setTimeout(() => this.schedule(() => this.flushPending()), this.options.retryDelayMs ?? 1_000).unref();
  }

  private async publishEvent(event: OutboxDocument["outbox"] extends Array<infer E> | undefined ? E : never): Promise<void> {
    await this.options.bus.publish({
      subject: event.subject,
      type: event.type,
      tenantId: event.tenantId,
      eventId: event.id,
      payload: event.payload,
      traceHeaders: event.traceHeaders ?? {},
    });
    this.published.add(1, { subject: event.subject });
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
    const events = document.outbox ?? [];
    for (const event of events) await this.publishEvent(event);
    // Usually nothing was appended meanwhile: one write empties the outbox as it was read.
    const cleared = await collection.updateOne({ _id: document._id, outbox: events }, { $set: { outbox: [] }, $unset: { outboxSince: "" } } as Document);
    if (cleared.modifiedCount === 1) return;
    // Otherwise remove what was published, one exact element at a time: FerretDB's $pull
    // compares whole elements (and ignores $in), and MongoDB matches a full document the same way.
    for (const event of events) await collection.updateOne({ _id: document._id }, { $pull: { outbox: event } } as Document);
    await collection.updateOne({ _id: document._id, outbox: { $size: 0 } }, { $unset: { outboxSince: "" } });
  }
}

/** Runs work over items, at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
