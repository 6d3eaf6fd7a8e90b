// Preloaded with `node --require @crm/kit/telemetry`, so telemetry starts before anything else.
import { startTelemetry } from "./sdk";
import { setTelemetryHandle } from "./handle";

setTelemetryHandle(startTelemetry());
