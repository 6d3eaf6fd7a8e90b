import type { TelemetryHandle } from "./sdk";

let handle: TelemetryHandle | undefined;

export function setTelemetryHandle(value: TelemetryHandle): void {
  handle = value;
}

/** Flushes buffered spans; part of graceful shutdown. A no-op where telemetry never started. */
export async function flushTelemetry(): Promise<void> {
  await handle?.shutdown();
}
