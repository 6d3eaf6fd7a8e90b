import { trace } from "@opentelemetry/api";
import pino, { type Logger } from "pino";

export type { Logger };

// Personal data never reaches the logs in clear: these paths are censored wherever they appear.
const PERSONAL_FIELDS = ["email", "phone", "givenName", "familyName", "displayName", "name", "address", "birthday"];
const REDACT_PATHS = [
  ...PERSONAL_FIELDS,
  ...PERSONAL_FIELDS.map((field) => `*.${field}`),
  "authorization",
  "*.authorization",
  "req.headers.authorization",
];

/** JSON logs carrying the active span's trace_id and span_id, for correlation with traces. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    level,
    base: { service },
    messageKey: "message",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
