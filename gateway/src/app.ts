import { createLogger, type Logger } from "@crm/kit/edge";
import express, { type Express, type RequestHandler } from "express";
import { registerApiKeyRoutes } from "./api-keys/api-key-routes";
import { authenticate, type AuthSettings } from "./auth/authenticate";
import { ReadCache } from "./cache/read-cache";
import { CustomerCache } from "./customer360/customer-cache";
import { registerCustomerRoutes } from "./customer360/customer-routes";
import { ApiRegistry } from "./http/api-registry";
import { problemHandler, sendProblem } from "./http/problem";
import { requestId } from "./http/request-id";
import { serverTelemetry } from "./http/server-telemetry";
import { rateLimit } from "./limits/rate-limit";
import type { ConnectedService, ProviderWebhookSettings } from "./modules/gateway-module";
import { referencePage } from "./openapi/reference-page";
import type { GatewayState } from "./state/gateway-state";
import { registerWebhookRoutes } from "./webhooks/webhook-routes";
import type { Webhooks } from "./webhooks/webhooks";

export interface GatewayLimits {
  requestTimeoutMs: number;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  requestsPerMinute: number;
  customerPartTimeoutMs: number;
  customerCacheMs: number;
}

export interface GatewayDependencies {
  auth: AuthSettings;
  /** Every registered service, connected (modules/gateway-module.ts): their routes make the API. */
  services: ConnectedService[];
  /** The gateway's own state (idempotency, rate limits, API keys, webhooks). */
  state: GatewayState;
  webhooks: Webhooks;
  limits: GatewayLimits;
  /** Single-resource reads answered by the gateway; off (every read asks the service) unless enabled. */
  readCache?: ReadCache;
  /** How channel providers sign their webhooks (without a secret, the signed routes refuse every call). */
  providerWebhooks?: ProviderWebhookSettings;
  log?: Logger;
}

/** The express application: public docs, then authenticated and rate-limited /v1 routes, then one error handler. */
export function createGatewayApp(dependencies: GatewayDependencies): Express {
  const { auth, services, state, webhooks, limits, readCache = new ReadCache({ maxEntries: 0, ttlMs: 0 }), log = createLogger("gateway") } = dependencies;
  const app = express();
  app.disable("x-powered-by");
  // ETags are the records' versions, set by the routes; express would hash every body for one.
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(serverTelemetry(), requestId);

  const problems = problemHandler(log);
  const api = new ApiRegistry({
    timeoutMs: limits.requestTimeoutMs, bodyLimitBytes: limits.bodyLimitBytes, uploadLimitBytes: limits.uploadLimitBytes,
    idempotency: { store: state.idempotency }, onTimeout: problems,
  });
  for (const service of services) service.registerRoutes(api, { readCache, providerWebhooks: dependencies.providerWebhooks ?? { toleranceSeconds: 300 } });
  registerCustomerRoutes(api, services.flatMap((service) => service.customerParts), new CustomerCache(readCache, limits.customerCacheMs), limits.customerPartTimeoutMs);
  registerApiKeyRoutes(api, state.apiKeys, state.apiKeyVerifier);
  registerWebhookRoutes(api, state.subscriptions, state.deliveries, webhooks.guard, () => webhooks.dispatcher.kick());
  const document = api.openapi({
    title: "CRM API",
    version: "v1",
    description: "People, organisations, deals, interactions, tickets, campaigns and consent.",
  });
  app.get("/openapi.json", (_req, res) => void res.json(document));
  app.use(referencePage("CRM API"));

  // Routes whose requests carry their own proof (a provider's signed webhook, a signed one-time
  // link) come before the credential check, limited per client address instead of per credential.
  const perAddress: RequestHandler = (req, _res, next) => {
    req.credential = { id: `address:${req.ip}` };
    next();
  };
  app.use(api.signedRouter([perAddress, rateLimit(state.redis, { requestsPerMinute: limits.requestsPerMinute }, log)]));
  app.use("/v1", authenticate({ ...auth, apiKeys: state.apiKeyVerifier }), rateLimit(state.redis, { requestsPerMinute: limits.requestsPerMinute }, log));
  app.use(api.router());
  app.use((req, res) => sendProblem(req, res, { type: "/problems/not-found", title: "Not found", status: 404, detail: `no route ${req.method} ${req.path}` }));
  app.use(problems);
  return app;
}
