import { diag, DiagConsoleLogger, DiagLogLevel } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { MongoDBInstrumentation } from "@opentelemetry/instrumentation-mongodb";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { kitMeter } from "./metrics";
import { telemetryServiceName } from "./service-name";

export interface TelemetryHandle {
  shutdown(): Promise<void>;
}

/**
 * Starts tracing and metrics for this process. Must run before grpc-js, express, mongodb and
 * ioredis are loaded, so it is preloaded with `node --require @crm/kit/telemetry`. Spans are
 * exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set.
 * Without an exporter (nor an OTEL_TRACES_SAMPLER), spans are not recorded: they would be built
 * attribute by attribute on every request only to be dropped. Trace context still flows (trace
 * ids in logs and problem+json, traceparent to services and events), as the spans still exist.
 * MongoDB and Redis are then not instrumented at all: their spans would carry no context onwards,
 * and wrapping every command made an uncached contact get slower (at 100 000 contacts, p50 / p99
 * 1.93-1.97 / 6.05-6.18 ms with them, 1.85-1.86 / 5.63-5.69 ms without).
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetryHandle {
  if (env.OTEL_LOG_LEVEL === "debug") diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);
  const spanProcessors: SpanProcessor[] = [];
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const recording = exporting || Boolean(env.OTEL_TRACES_SAMPLER);
  if (exporting) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200 }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: telemetryServiceName(env) }),
    spanProcessors,
    ...(recording ? {} : { sampler: new AlwaysOffSampler() }),
  });
  provider.register();
  kitMeter();
  registerInstrumentations({
    instrumentations: [
      // Outgoing HTTP only: the one HTTP server that serves requests, the gateway, has its own
      // lean server telemetry (gateway/src/http/server-telemetry.ts); the generic incoming and
      // express instrumentations cost it more CPU per request than the rest of a cached read.
      // Services serve only their ops endpoint, which stays out of traces.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ["Check", "Watch", "ServerReflectionInfo"] }),
      ...(recording ? storageInstrumentations() : []),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}

/**
 * Spans of MongoDB and Redis commands. Statements name the operation only: the default
 * serialisers walk every command (a batch insert whole, on every call, sampled or not) and
 * Redis's would record cached records, which hold personal data.
 */
function storageInstrumentations() {
  return [
    new MongoDBInstrumentation({ enhancedDatabaseReporting: false, dbStatementSerializer: (command) => Object.keys(command)[0] ?? "" }),
    new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
  ];
}
