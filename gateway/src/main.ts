import { createLogger, handleShutdown, identityKey, Readiness, startOpsServer, flushTelemetry } from "@crm/kit/edge";
import { loadRegistry } from "@crm/registry";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayApp } from "./app";
import { followInvalidations } from "./cache/event-invalidation";
import { ReadCache } from "./cache/read-cache";
import { loadGatewayConfig } from "./config";
import { connectServices } from "./modules/gateway-module";

async function main(): Promise<void> {
  const registry = loadRegistry();
  const config = loadGatewayConfig(registry.services);
  const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  // One client per registered service, to the address its variable names.
  const services = connectServices(registry.services, config.addresses, { identityKey: identityKey(config.IDENTITY_SIGNING_KEY), timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const readCache = new ReadCache({ maxEntries: config.READ_CACHE_ENTRIES, ttlMs: config.READ_CACHE_TTL_MS });
  const sources = services.flatMap((service) => service.invalidations ?? []);
  const invalidations = config.NATS_URL && config.READ_CACHE_ENTRIES > 0 ? await followInvalidations(config.NATS_URL, sources, readCache, log) : undefined;
  const app = createGatewayApp({
    auth: { jwtSecret: config.AUTH_JWT_SECRET, jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
    services,
    readCache,
    log,
  });
  // Long filters and cursors travel in the URL: room for them, so that a too-long one gets a
  // problem+json 400 from validation rather than a bare 431 from the HTTP parser.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app).listen(config.PORT);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const readiness = new Readiness();
  const ops = await startOpsServer(config.OPS_PORT, readiness);
  handleShutdown(
    [
      { name: "mark not ready", run: async () => readiness.startDraining() },
      { name: "drain HTTP", run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
      { name: "close clients", run: async () => services.forEach((service) => service.close()) },
      { name: "stop following events", run: async () => invalidations?.close() },
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
