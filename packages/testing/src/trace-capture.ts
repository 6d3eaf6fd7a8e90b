import { context, propagation, SpanKind } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A finished span, from this process or from a child process, in one simple shape. */
export interface CapturedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  service: string;
  attributes: Record<string, unknown>;
  /** When it started (ms since the epoch) and how long it took. */
  startMs: number;
  durationMs: number;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
        startTimeUnixNano?: string;
        endTimeUnixNano?: string;
      }>;
    }>;
  }>;
}

/**
 * Collects spans of a test: those of this process through an in-memory exporter, and those of
 * the platform processes it starts through an OTLP/HTTP (JSON) receiver that keeps them in
 * memory too. Processes point OTEL_EXPORTER_OTLP_ENDPOINT at `endpoint`.
 */
export class TraceCapture {
  private constructor(
    private readonly received: CapturedSpan[],
    private readonly exporter: InMemorySpanExporter,
    private readonly provider: NodeTracerProvider,
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  /** Receives on `port` (0: any free one; `endpoint` says which). */
  static async start(port = 0): Promise<TraceCapture> {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register({ propagator: new W3CTraceContextPropagator() });
    const received: CapturedSpan[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        try {
          ingest(received, JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpRequest);
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new TraceCapture(received, exporter, provider, server, endpoint);
  }

  spans(): CapturedSpan[] {
    const local = this.exporter.getFinishedSpans().map((span) => ({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      name: span.name,
      kind: span.kind,
      service: "test",
      attributes: { ...span.attributes },
      startMs: span.startTime[0] * 1_000 + span.startTime[1] / 1e6,
      durationMs: span.duration[0] * 1_000 + span.duration[1] / 1e6,
    }));
    return [...this.received, ...local];
  }

  /** Waits until the spans satisfy the predicate, since exporters send in batches. */
  async waitFor(predicate: (spans: CapturedSpan[]) => boolean, timeoutMs = 10_000): Promise<CapturedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const spans = this.spans();
      if (predicate(spans)) return spans;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.spans();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.provider.shutdown();
    propagation.disable();
    context.disable();
  }
}

/** Adds the spans of one OTLP/JSON export request. */
function ingest(received: CapturedSpan[], request: OtlpRequest): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = toRecord(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          received.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            // OTLP counts kinds from 1 (INTERNAL); the API enum counts from 0.
            kind: (span.kind - 1) as SpanKind,
            service: String(resource["service.name"] ?? "unknown"),
            attributes: toRecord(span.attributes),
            startMs: Number(BigInt(span.startTimeUnixNano ?? "0") / 1_000n) / 1_000,
            durationMs: Number(BigInt(span.endTimeUnixNano ?? "0") - BigInt(span.startTimeUnixNano ?? "0")) / 1e6,
          });
        }
      }
    }
}

function toRecord(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (attributes ?? []).map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]),
  );
}
