import type { Server } from "node:http";
import type { Redis } from "ioredis";
import type { Connection, Model } from "mongoose";
import { EventBus } from "./bus/bus";
import type { ConsumerOptions, EventConsumer, ReceivedEvent } from "./bus/consumer";
import { RedisIdempotencyStore } from "./bus/idempotency";
import { serviceStream } from "./bus/streams";
import type { serviceConfigSchema } from "./config";
import { holdsNoSubjectData, subjectDataService, type SubjectExporter } from "./erasure/subject-export";
import { createRpcWrapper } from "./grpc/handler";
import { GrpcServer, type ServeOptions, type ServiceRegistration } from "./grpc/server";
import { startOpsServer } from "./http/ops-server";
import { identityKey } from "./identity";
import { createLogger, type Logger } from "./logger";
import { connectMongo, pingMongo } from "./mongo/connection";
import { OutboxRelay } from "./mongo/outbox-relay";
import { Readiness } from "./readiness";
import { connectRedis, pingRedis } from "./redis";
import { handleShutdown } from "./shutdown";
import { flushTelemetry } from "./telemetry/handle";
import type { z } from "zod";

export type ServiceConfig = z.output<typeof serviceConfigSchema>;

/** Events of one producing service that a consumer reads: the producer's name gives its stream. */
export interface EventSource {
  service: string;
  /** One subject, or several of the same producer read by one durable consumer. */
  subject: string | readonly string[];
}

/** Work a service runs beside its RPCs (job workers, schedulers): stopped before connections close. */
export interface BackgroundWorker {
  start(): void;
  /** Finishes or hands back the work in hand; resolves when nothing runs any more. */
  stop(): Promise<void>;
}

/**
 * The connections and helpers of one service process: its database, its Redis keys, the bus and
 * its stream, readiness over all three, and the handler wrapper. main.ts builds one, hands its
 * parts to repositories and handlers, then calls serve().
 */
export class ServiceRuntime {
  readonly readiness = new Readiness();
  /** Wraps handlers: `rpc(name, fn)` for unary methods, `rpc.serverStream` and `rpc.clientStream` for streams. */
  readonly rpc: ReturnType<typeof createRpcWrapper>;
  readonly idempotency: RedisIdempotencyStore;
  readonly stream: { name: string; subjects: string[] };
  private relay: OutboxRelay | undefined;
  private readonly workers: BackgroundWorker[] = [];
  private grpc: GrpcServer | undefined;
  private ops: Server | undefined;
  private subjectExporter: SubjectExporter = holdsNoSubjectData;

  private constructor(
    readonly config: ServiceConfig,
    readonly log: Logger,
    readonly mongo: Connection,
    readonly redis: Redis,
    readonly bus: EventBus,
    /** The service's short name (`contacts`), used for its stream and subjects. */
    readonly service: string,
  ) {
    this.rpc = createRpcWrapper({ identityKey: identityKey(config.IDENTITY_SIGNING_KEY), log });
    this.idempotency = new RedisIdempotencyStore(redis);
    this.stream = serviceStream(service);
    this.readiness
      .add("mongodb", () => pingMongo(mongo))
      .add("nats", () => bus.ping())
      .add("redis", () => pingRedis(redis));
  }

  static async start(service: string, config: ServiceConfig, log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL)) {
    const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE);
    const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX ?? service, log);
    const bus = await EventBus.connect(config.NATS_URL, config.SERVICE_NAME, log);
    const runtime = new ServiceRuntime(config, log, mongo, redis, bus, service);
    await bus.ensureStream(runtime.stream.name, runtime.stream.subjects);
    return runtime;
  }

  /** Starts publishing the outbox of these models, sweeping every OUTBOX_SWEEP_INTERVAL_MS. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model with the outbox plugin
  startOutboxRelay(models: Model<any>[]): OutboxRelay {
    this.relay = new OutboxRelay({ bus: this.bus, models, log: this.log, sweepIntervalMs: this.config.OUTBOX_SWEEP_INTERVAL_MS });
    this.relay.start();
    return this.relay;
  }

  /** The relay started by startOutboxRelay, for parts of the kit that add their own models. */
  get outboxRelay(): OutboxRelay {
    if (!this.relay) throw new Error("start the outbox relay (startOutboxRelay) before what publishes through it");
    return this.relay;
  }

  /**
   * A durable consumer of a producer's subjects, named `<CONSUMER_GROUP>-<purpose>` (NATS forbids dots in
   * durable names), de-duplicated by event id. The producer's stream is ensured here too, so
   * that this service can start before its producer. Handlers must be safe to run twice.
   */
  async consumeEvents(source: EventSource, purpose: string, handler: (event: ReceivedEvent) => Promise<void>): Promise<EventConsumer> {
    return this.consume(source, purpose, { handler });
  }

  /**
   * A durable consumer like consumeEvents whose handler takes the events already waiting
   * together (up to maxBatch): for consumers that write what arrives in bursts in one go.
   * A failed batch is handled again one event at a time (so only a poison event is parked).
   */
  async consumeEventBatches(source: EventSource, purpose: string, handler: (events: ReceivedEvent[]) => Promise<void>, maxBatch?: number): Promise<EventConsumer> {
    return this.consume(source, purpose, { handler: (event) => handler([event]), batchHandler: handler, ...(maxBatch ? { maxBatch } : {}) });
  }

  private async consume(source: EventSource, purpose: string, handlers: Pick<ConsumerOptions, "handler" | "batchHandler" | "maxBatch">): Promise<EventConsumer> {
    const stream = serviceStream(source.service);
    await this.bus.ensureStream(stream.name, stream.subjects);
    return this.bus.consume({
      stream: stream.name,
      durable: `${this.config.CONSUMER_GROUP ?? this.service}-${purpose}`,
      filterSubjects: typeof source.subject === "string" ? [source.subject] : [...source.subject],
      idempotency: this.idempotency,
      startAt: this.config.CONSUMER_START,
      ...handlers,
    });
  }

  /** Starts a background worker, to be stopped on shutdown after gRPC has drained. */
  runInBackground(worker: BackgroundWorker): void {
    this.workers.push(worker);
    worker.start();
  }

  /**
   * Answers data-subject access requests with this exporter. Every service answers them (serve()
   * adds crm.subject_data.v1.SubjectDataService), by default with an empty part.
   */
  exportSubjectDataWith(exporter: SubjectExporter): void {
    this.subjectExporter = exporter;
  }

  /** Serves gRPC (the given services and the subject-data participant) and the ops endpoint; returns the bound ports. */
  async serve(services: ServiceRegistration[], options: ServeOptions = {}): Promise<{ grpcPort: number; opsPort: number }> {
    const participant = subjectDataService(this.service, this.rpc, () => this.subjectExporter);
    this.grpc = GrpcServer.create([...services, participant], this.log, options);
    const grpcPort = await this.grpc.listen(this.config.GRPC_PORT);
    this.grpc.followReadiness(this.readiness);
    const ops = await startOpsServer(this.config.OPS_PORT, this.readiness);
    this.ops = ops.server;
    return { grpcPort, opsPort: ops.port };
  }

  /** Graceful shutdown on SIGTERM/SIGINT: not ready, drain gRPC within the grace period, close the rest. */
  handleSignals(): void {
    handleShutdown(
      [
        { name: "mark not ready", run: async () => this.readiness.startDraining() },
        { name: "drain gRPC", run: async () => this.grpc?.drain(this.config.SHUTDOWN_GRACE_MS) },
        { name: "close", run: () => this.close() },
        { name: "flush telemetry", run: () => flushTelemetry() },
      ],
      { log: this.log, graceMs: this.config.SHUTDOWN_GRACE_MS },
    );
  }

  /** Stops the background workers (they finish or hand back the work in hand). */
  async stopBackgroundWork(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  /** Stops serving, the relay and consumers, then closes connections (also used by tests). */
  async close(): Promise<void> {
    await this.grpc?.drain(1_000);
    await this.stopBackgroundWork();
    await this.relay?.stop();
    await this.bus.close();
    this.redis.disconnect();
    await this.mongo.close();
    await new Promise<void>((resolve) => (this.ops ? this.ops.close(() => resolve()) : resolve()));
  }
}
