import { createLogger, type Logger } from "@crm/kit/edge";
import express, { type Express } from "express";
import { authenticate, type AuthSettings } from "./auth/authenticate";
import { ReadCache } from "./cache/read-cache";
import { ApiRegistry } from "./http/api-registry";
import { problemHandler, sendProblem } from "./http/problem";
import { requestId } from "./http/request-id";
import { serverTelemetry } from "./http/server-telemetry";
import { renderReferencePage } from "./openapi/reference-page";
import type { ConnectedService } from "./modules/gateway-module";

export interface GatewayDependencies {
  auth: AuthSettings;
  /** Every registered service, connected (modules/gateway-module.ts): their routes make the API. */
  services: ConnectedService[];
  /** Single-resource reads answered by the gateway; off (every read asks the service) unless enabled. */
  readCache?: ReadCache;
  log?: Logger;
}

/** The express application: public docs, then authenticated /v1 routes, then one error handler. */
export function createGatewayApp({ auth, services, readCache = new ReadCache({ maxEntries: 0, ttlMs: 0 }), log = createLogger("gateway") }: GatewayDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  // ETags are the records' versions, set by the routes; express would hash every body for one.
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(serverTelemetry(), requestId);

  const api = new ApiRegistry();
  for (const service of services) service.registerRoutes(api, { readCache });
  const document = api.openapi({
    title: "CRM API",
    version: "v1",
    description: "People, organisations, deals, interactions, tickets, campaigns and consent.",
  });
  app.get("/openapi.json", (_req, res) => void res.json(document));
  app.get("/docs", (_req, res) => void res.type("html").send(renderReferencePage(document as never)));

  app.use("/v1", express.json({ limit: "1mb", strict: true }), authenticate(auth));
  app.use(api.router());
  app.use((req, res) => sendProblem(req, res, { type: "/problems/not-found", title: "Not found", status: 404, detail: `no route ${req.method} ${req.path}` }));
  app.use(problemHandler(log));
  return app;
}
