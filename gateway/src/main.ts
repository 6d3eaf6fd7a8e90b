import { createLogger, handleShutdown, identityKey, Readiness, startOpsServer, flushTelemetry } from "@crm/kit/edge";
import { loadRegistry } from "@crm/registry";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayApp } from "./app";
import { parseRecordAccess } from "./auth/roles";
import { followInvalidations } from "./cache/event-invalidation";
import { ReadCache } from "./cache/read-cache";
import { loadGatewayConfig } from "./config";
import { connectServices } from "./modules/gateway-module";
import { GatewayState } from "./state/gateway-state";
import { Webhooks } from "./webhooks/webhooks";

async function main(): Promise<void> {
  const registry = loadRegistry();
  const config = loadGatewayConfig(registry.services);
  const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  // One client per registered service, to the address its variable names.
  const services = connectServices(registry.services, config.addresses, { identityKey: identityKey(config.IDENTITY_SIGNING_KEY), timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const state = await GatewayState.connect(
    {
      redisUrl: config.REDIS_URL, redisKeyPrefix: config.REDIS_KEY_PREFIX, mongodbUrl: config.MONGODB_URL, mongodbDatabase: config.MONGODB_DATABASE,
      idempotencyRunningMs: config.REQUEST_TIMEOUT_MS + config.UPSTREAM_TIMEOUT_MS, apiKeyCacheMs: config.API_KEY_CACHE_MS,
    },
    log,
  );
  const delivery = {
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, retryBaseMs: config.WEBHOOK_RETRY_BASE_MS, timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES, allowedNetworks: config.WEBHOOK_ALLOWED_NETWORKS,
  };
  const webhooks = config.NATS_URL
    ? await Webhooks.start(state, { ...delivery, natsUrl: config.NATS_URL, services: services.map((s) => s.name), consumerGroup: config.CONSUMER_GROUP }, log)
    : Webhooks.idle(state, delivery, log);
  const readCache = new ReadCache({ maxEntries: config.READ_CACHE_ENTRIES, ttlMs: config.READ_CACHE_TTL_MS });
  const sources = services.flatMap((service) => service.invalidations ?? []);
  const cachesOn = config.READ_CACHE_ENTRIES > 0 || config.CUSTOMER360_CACHE_MS > 0;
  const invalidations = config.NATS_URL && cachesOn ? await followInvalidations(config.NATS_URL, sources, readCache, log) : undefined;
  const app = createGatewayApp({
    auth: {
      jwtSecret: config.AUTH_JWT_SECRET, jwksUrl: config.AUTH_JWKS_URL, jwksCacheMaxAgeMs: config.AUTH_JWKS_CACHE_MAX_AGE_MS, jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
      issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, recordAccess: parseRecordAccess(config.ROLE_RECORD_ACCESS),
    },
    services,
    state,
    webhooks,
    limits: {
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS, bodyLimitBytes: config.BODY_LIMIT_BYTES, uploadLimitBytes: config.UPLOAD_LIMIT_BYTES,
      requestsPerMinute: config.RATE_LIMIT_PER_MINUTE, customerPartTimeoutMs: config.CUSTOMER360_PART_TIMEOUT_MS, customerCacheMs: config.CUSTOMER360_CACHE_MS,
    },
    readCache,
    providerWebhooks: { secret: config.PROVIDER_WEBHOOK_SECRET, toleranceSeconds: config.PROVIDER_WEBHOOK_TOLERANCE_SECONDS },
    log,
  });
  // Long filters and cursors travel in the URL: room for them, so that a too-long one gets a
  // problem+json 400 from validation rather than a bare 431 from the HTTP parser.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app).listen(config.PORT);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  // Ready while the gateway's own state answers; each upstream channel is reported too, without
  // failing readiness: one service down leaves every other route (and a partial 360) working.
  const readiness = new Readiness();
  const ping = state.ping();
  readiness.add("redis", ping.redis).add("mongodb", ping.mongodb).add("nats", () => webhooks.ping());
  for (const service of services) readiness.add(`upstream:${service.name}`, () => service.ready(250), { required: false });
  const ops = await startOpsServer(config.OPS_PORT, readiness);
  handleShutdown(
    [
      { name: "mark not ready", run: async () => readiness.startDraining() },
      { name: "drain HTTP", run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
      { name: "stop webhooks", run: () => webhooks.stop() },
      { name: "close clients", run: async () => services.forEach((service) => service.close()) },
      { name: "stop following events", run: async () => invalidations?.close() },
      { name: "close state", run: () => state.close() },
      { name: "flush telemetry", run: () => flushTelemetry() },
    ],
    { log, graceMs: config.SHUTDOWN_GRACE_MS },
  );
  log.info({ port: (server.address() as AddressInfo).port, opsPort: ops.port, services: services.map((s) => s.name) }, "gateway ready");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
