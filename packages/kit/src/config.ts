import { registeredService } from "@crm/registry";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);

/** Environment every process reads. Services extend it with their own variables. */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Port of the /healthz, /readyz and /metrics endpoint; 0 picks a free one. */
  OPS_PORT: port.default(9464),
  /** Time that in-flight work gets to finish after SIGTERM. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

/** Environment of a process that serves gRPC and owns storage, a bus and a cache. */
export const serviceConfigSchema = baseConfigSchema.extend({
  GRPC_PORT: port,
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// URL"),
  MONGODB_DATABASE: z.string().min(1),
  NATS_URL: z.string().min(1),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL"),
  /** Prefix of every Redis key this service writes; defaults to the service name. */
  REDIS_KEY_PREFIX: z.string().optional(),
  /** Shared key that verifies the identity the gateway forwards in gRPC metadata. */
  IDENTITY_SIGNING_KEY: z.string().min(32, "must be at least 32 characters"),
  /**
   * Prefix of this service's durable consumer names; defaults to the service name. Replicas of
   * one deployment share it and so share the work; a second deployment on the same NATS (or a
   * test) needs its own.
   */
  CONSUMER_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
  /**
   * The platform deployment this process belongs to, when several share one NATS (every test
   * platform does; production usually has one, the default ""). Erasure requests carry the
   * deployment that asks and are answered only by its services, so that the consent service,
   * which waits for one confirmation per registered service, never counts another deployment's.
   */
  DEPLOYMENT: z.string().regex(/^[A-Za-z0-9_-]*$/).default(""),
  /**
   * Where a durable consumer created for the first time starts in its producer's stream: `all`
   * (the whole history, the default: a new consumer catches up), `new` (events published from
   * then on), or an ISO 8601 time (a replay from then). A durable that exists continues where it
   * stopped, whatever this says.
   */
  CONSUMER_START: z
    .union([z.enum(["all", "new"]), z.iso.datetime({ offset: true }).transform((time) => new Date(time))])
    .default("all"),
  /**
   * How often the outbox relay sweeps for events left behind by a crash or another replica (its
   * own failures it retries by itself). The sweep reads the outboxSince index, on FerretDB too
   * (scripts/patches): a few milliseconds when nothing is pending.
   */
  OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
});

/**
 * The environment of one registered service, with its defaults: its name, its ports from the
 * service registry, its database `crm_<name>` and its consumer group. Services extend it with
 * their own variables. Built when called: the registry is read then, not at import.
 */
export function serviceConfigSchemaFor(service: string) {
  const { grpcPort, opsPort } = registeredService(service);
  return serviceConfigSchema.extend({
    SERVICE_NAME: z.string().min(1).default(service),
    GRPC_PORT: port.default(grpcPort),
    OPS_PORT: port.default(opsPort),
    MONGODB_DATABASE: z.string().min(1).default(`crm_${service.replaceAll("-", "_")}`),
    CONSUMER_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/).default(service),
  });
}

export class ConfigError extends Error {}

/** Parses the environment once, at start-up, and fails with every problem listed. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
