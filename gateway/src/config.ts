import { baseConfigSchema, loadConfig } from "@crm/kit/edge";
import type { RegisteredService } from "@crm/registry";
import { z } from "zod";

const gatewaySettings = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default("gateway"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9460),
  /** Deadline of each call to a service. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Longest a request may take (streams and uploads excepted); then 504 problem+json. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** Largest JSON body a route takes unless it says otherwise. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** Largest uploaded file (a CSV import). */
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** Requests per minute per credential (a token bucket of this size, refilled continuously); an API key may set its own. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1_200),
  /** The gateway's own state: idempotency records and rate limits (Redis), API keys and webhooks (MongoDB). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL"),
  REDIS_KEY_PREFIX: z.string().default("gateway:"),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// URL"),
  MONGODB_DATABASE: z.string().min(1).default("crm_gateway"),
  /** Prefix of the durable consumer that feeds webhooks; replicas share it, a second deployment needs its own. */
  CONSUMER_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/).default("gateway"),
  /** How long the identity provider's keys (JWKS) are kept before they are fetched again; an unknown key id fetches them at once (rotation), at most once per cooldown. */
  AUTH_JWKS_CACHE_MAX_AGE_MS: z.coerce.number().int().positive().default(10 * 60_000),
  AUTH_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  /** Roles limited to the records they or their teams own: `sales=own,support=team` (others see every record of the tenant). */
  ROLE_RECORD_ACCESS: z.string().regex(/^([a-z-]+=(own|team|all)(,[a-z-]+=(own|team|all))*)?$/, "must look like sales=own,support=team").default(""),
  /** How long a verified API key is trusted before it is looked up again (a revocation through another replica takes this long). */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Webhook deliveries: attempts before a delivery fails, the first retry's delay (doubling after), the timeout of one attempt. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Consecutive failed attempts after which an endpoint is disabled (until it is enabled again through the API). */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(50),
  /** Private, loopback or link-local networks that webhook targets may nevertheless reach (CIDRs, comma-separated), e.g. an in-cluster receiver. */
  WEBHOOK_ALLOWED_NETWORKS: z.string().default(""),
  /** Customer 360: how long each part may take, and how long a composed answer is reused (dropped earlier by events). */
  CUSTOMER360_PART_TIMEOUT_MS: z.coerce.number().int().positive().default(1_500),
  CUSTOMER360_CACHE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Channel providers sign their delivery webhooks (POST /v1/campaign-provider/events) with this secret; without it those calls are refused. */
  PROVIDER_WEBHOOK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** How old (or how far ahead) a signed webhook's timestamp may be, against replays. */
  PROVIDER_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  IDENTITY_SIGNING_KEY: z.string().min(32, "must be at least 32 characters"),
  /** Where the services' events are published: the read cache follows them to drop what they change. Without it, no cache. */
  NATS_URL: z.string().min(1).optional(),
  /** Single-resource reads kept by the gateway (0: none); each lives at most READ_CACHE_TTL_MS without an event. */
  READ_CACHE_ENTRIES: z.coerce.number().int().min(0).default(10_000),
  READ_CACHE_TTL_MS: z.coerce.number().int().positive().default(30_000),
});

export type GatewayConfig = z.output<typeof gatewaySettings> & {
  /** Where each registered service listens (host:port), by service name. */
  addresses: Record<string, string>;
};

/**
 * The gateway's settings and, for each registered service, its address from the variable the
 * registry names (CONTACTS_ADDRESS…), by default the service's local port. Every problem is
 * reported at once.
 */
export function loadGatewayConfig(services: RegisteredService[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const address = (service: RegisteredService) => z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${service.grpcPort}`);
  const schema = gatewaySettings
    .extend(Object.fromEntries(services.map((service) => [service.addressEnv, address(service)])))
    .refine((config) => config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL, {
      message: "set AUTH_JWKS_URL (production) or AUTH_JWT_SECRET (development)",
      path: ["AUTH_JWKS_URL"],
    });
  const config = loadConfig(schema, env) as z.output<typeof gatewaySettings> & Record<string, string>;
  return { ...config, addresses: Object.fromEntries(services.map((service) => [service.name, config[service.addressEnv]!])) };
}
