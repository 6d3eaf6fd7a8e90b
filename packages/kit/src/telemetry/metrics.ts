import { metrics, type Meter } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { IncomingMessage, ServerResponse } from "node:http";
import { telemetryServiceName } from "./service-name";

let exporter: PrometheusExporter | undefined;

// The global meter provider must exist before the first instrument is made: the API hands out
// no-op meters otherwise, forever. So every meter comes from here.
function ensureMeterProvider(): PrometheusExporter {
  if (!exporter) {
    exporter = new PrometheusExporter({ preventServerStart: true });
    const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: telemetryServiceName() });
    metrics.setGlobalMeterProvider(new MeterProvider({ resource, readers: [exporter] }));
  }
  return exporter;
}

export function kitMeter(): Meter {
  ensureMeterProvider();
  return metrics.getMeter("@crm/kit");
}

/** Serves the Prometheus text exposition of every metric of this process. */
export function serveMetrics(req: IncomingMessage, res: ServerResponse): void {
  ensureMeterProvider().getMetricsRequestHandler(req, res);
}
