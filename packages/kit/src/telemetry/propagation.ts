import { context, propagation, type Context } from "@opentelemetry/api";

/** The W3C trace context of the active span, as plain headers (traceparent, tracestate). */
export function currentTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function contextFromHeaders(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers);
}
