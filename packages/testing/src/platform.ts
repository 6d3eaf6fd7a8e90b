import { loadRegistry } from "@crm/registry";
import { uniqueName } from "./infra";
import { freePort, startProcess, type PlatformProcess } from "./processes";
import { serviceTestEnv } from "./service-env";
import { TEST_IDENTITY_KEY, TEST_JWT_SECRET } from "./tokens";

export interface RunningPlatform {
  gatewayUrl: string;
  /** Each service's database (also its Redis prefix and consumer group), by service name. */
  databases: Record<string, string>;
  /** Each registered service's gRPC address, by service name (nothing answers at an unstarted one's). */
  addresses: Record<string, string>;
  processes: PlatformProcess[];
  stop(): Promise<void>;
}

export interface PlatformOptions {
  otlpEndpoint?: string;
  gatewayEnv?: Record<string, string>;
  /**
   * The services to start (default: every registered one). A test of one service's routes need
   * not start the others; the gateway's clients to those answer UNAVAILABLE if called.
   */
  services?: string[];
  /** More environment for some services, by service name (e.g. a shorter poll for a test). */
  serviceEnv?: Record<string, Record<string, string>>;
}

/**
 * Starts the registered services (packages/registry/services.json), then the gateway, as real
 * processes on free ports against the real infrastructure; each service with a database, Redis
 * prefix and consumer group of its own. Pass otlpEndpoint to collect their spans.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const telemetry: Record<string, string> = options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {};
  const services: PlatformProcess[] = [];
  const databases: Record<string, string> = {};
  const addresses: Record<string, string> = {};
  const gatewayEnv: Record<string, string> = {};
  const stopAll = async (processes: PlatformProcess[]) => {
    for (const process of [...processes].reverse()) await process.stop();
  };
  try {
    const registered = loadRegistry().services;
    const unknown = (options.services ?? []).filter((name) => !registered.some((service) => service.name === name));
    if (unknown.length > 0) throw new Error(`not registered: ${unknown.join(", ")}`);
    const started = registered.filter((service) => !options.services || options.services.includes(service.name));
    // Every address first: services that call others (the consent service asks each one for
    // its part of an access request) are told where all of them listen, as the gateway is.
    const ports = new Map<string, { grpcPort: number; opsPort: number }>();
    for (const service of registered) {
      // Unstarted: its address answers nothing, so a call fails fast as UNAVAILABLE.
      ports.set(service.name, { grpcPort: await freePort(), opsPort: await freePort() });
      addresses[service.name] = `127.0.0.1:${ports.get(service.name)!.grpcPort}`;
      gatewayEnv[service.addressEnv] = addresses[service.name]!;
    }
    // One deployment: its services answer its erasure requests only, not other platforms' on the same NATS.
    const deployment = uniqueName("platform");
    for (const service of started) {
      const database = uniqueName(`e2e_${service.name.replaceAll("-", "_")}`);
      const { grpcPort, opsPort } = ports.get(service.name)!;
      services.push(
        await startProcess({
          name: service.name,
          dir: `services/${service.name}`,
          opsPort,
          env: {
            ...telemetry,
            ...serviceTestEnv(database),
            ...gatewayEnv,
            SERVICE_NAME: service.name,
            GRPC_PORT: String(grpcPort),
            OPS_PORT: String(opsPort),
            DEPLOYMENT: deployment,
            ...options.serviceEnv?.[service.name],
          },
        }),
      );
      databases[service.name] = database;
    }
    const [gatewayPort, gatewayOps] = await Promise.all([freePort(), freePort()]);
    // The gateway's own state (API keys, webhooks, idempotency records, rate limits) and its webhook consumers, apart from other platforms'.
    const gatewayDatabase = uniqueName("e2e_gateway");
    const gateway = await startProcess({
      name: "gateway",
      dir: "gateway",
      opsPort: gatewayOps,
      env: {
        ...telemetry,
        ...gatewayEnv,
        SERVICE_NAME: "gateway",
        MONGODB_DATABASE: gatewayDatabase,
        REDIS_KEY_PREFIX: `${gatewayDatabase}:`,
        CONSUMER_GROUP: gatewayDatabase,
        PORT: String(gatewayPort),
        OPS_PORT: String(gatewayOps),
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
        ...options.gatewayEnv,
      },
    });
    const processes = [...services, gateway];
    databases.gateway = gatewayDatabase;
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}`, databases, addresses, processes, stop: () => stopAll(processes) };
  } catch (error) {
    // A service that did not start leaves none of the others running.
    await stopAll(services);
    throw error;
  }
}
