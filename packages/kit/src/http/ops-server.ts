import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serveMetrics } from "../telemetry/metrics";
import type { Readiness } from "../readiness";

/**
 * The per-process operations endpoint: /healthz (alive), /readyz (dependencies answer, not
 * draining) and /metrics (Prometheus). Liveness stays 200 while draining, so a pod that is
 * shutting down is not restarted half-way.
 */
export async function startOpsServer(port: number, readiness: Readiness): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (path === "/healthz") return reply(200, { status: "ok" });
    if (path === "/metrics") return serveMetrics(req, res);
    if (path === "/readyz") {
      void readiness.evaluate().then((report) => reply(report.ready ? 200 : 503, report));
      return;
    }
    reply(404, { status: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
