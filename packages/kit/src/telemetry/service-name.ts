import { readFileSync } from "node:fs";

/**
 * The service name that spans and metrics carry: SERVICE_NAME (or OTEL_SERVICE_NAME), as dev.sh,
 * the test harness and deployments set it; else the package the process runs from (`@crm/<name>`
 * in the working folder, for a service started by hand); else "crm". Read before the config is:
 * telemetry starts first.
 */
export function telemetryServiceName(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.SERVICE_NAME || env.OTEL_SERVICE_NAME;
  if (named) return named;
  try {
    const { name } = JSON.parse(readFileSync("package.json", "utf8")) as { name?: unknown };
    if (typeof name === "string" && name.startsWith("@crm/")) return name.slice("@crm/".length);
  } catch {
    // Not started from a package folder.
  }
  return "crm";
}
