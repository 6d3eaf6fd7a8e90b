#!/usr/bin/env node
// Prints the traces that platform processes export, one indented tree per trace, for local
// debugging without a tracing back end:
//   node scripts/print-traces.mjs [port]          (OTLP/HTTP JSON receiver; default port 4318)
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 bash scripts/dev.sh   (or any one process)
// A trace is printed once no span of it has arrived for a second.
import testing from "@crm/testing";

const port = Number(process.argv[2] ?? 4318);
const capture = await testing.TraceCapture.start(port);
console.log(`receiving traces on ${capture.endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT); Ctrl-C stops`);

const printed = new Set();
const lastSeen = new Map();
setInterval(() => {
  const now = Date.now();
  const byTrace = Map.groupBy(capture.spans().filter((span) => !printed.has(span.traceId)), (span) => span.traceId);
  for (const [traceId, spans] of byTrace) {
    if (lastSeen.get(traceId)?.count !== spans.length) {
      lastSeen.set(traceId, { count: spans.length, at: now });
      continue;
    }
    if (now - lastSeen.get(traceId).at < 1_000) continue;
    printed.add(traceId);
    printTrace(traceId, spans);
  }
}, 250);

/** Each span under its parent, in start order: service, name, duration. */
function printTrace(traceId, spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = Map.groupBy(spans, (span) => (span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : "root"));
  const first = Math.min(...spans.map((span) => span.startMs));
  console.log(`\ntrace ${traceId} (${spans.length} spans)`);
  const print = (parent, depth) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      const offset = `+${(span.startMs - first).toFixed(1)}ms`.padStart(10);
      console.log(`${offset} ${"  ".repeat(depth)}${span.service}: ${span.name} (${span.durationMs.toFixed(1)} ms)`);
      print(span.spanId, depth + 1);
    }
  };
  print("root", 0);
}

process.on("SIGINT", () => capture.stop().then(() => process.exit(0)));
process.on("SIGTERM", () => capture.stop().then(() => process.exit(0)));
