import { z } from "zod";

/** Environment every process reads. Services extend it with their own variables. */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Port of the /healthz, /readyz and /metrics endpoint; 0 picks a free one. */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Time that in-flight work gets to finish after SIGTERM. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

/** Environment of a process that serves gRPC and owns storage, a bus and a cache. */
export const serviceConfigSchema = baseConfigSchema.extend({
  GRPC_PORT: z.coerce.number().int().min(0).max(65535),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// URL"),
  MONGODB_DATABASE: z.string().min(1),
  NATS_URL: z.string().min(1),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL"),
  /** Prefix of every Redis key this service writes; defaults to the service name. */
  REDIS_KEY_PREFIX: z.string().optional(),
  /** Shared key that verifies the identity the gateway forwards in gRPC metadata. */
  IDENTITY_SIGNING_KEY: z.string().min(32, "must be at least 32 characters"),
});

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
