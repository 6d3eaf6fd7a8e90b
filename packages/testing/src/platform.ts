import { freePort, startProcess, type PlatformProcess } from "./processes";
import { testInfra, uniqueName } from "./infra";
import { TEST_IDENTITY_KEY, TEST_JWT_SECRET } from "./tokens";

export interface RunningPlatform {
  gatewayUrl: string;
  database: string;
  processes: PlatformProcess[];
  stop(): Promise<void>;
}

/**
 * Starts contacts and the gateway as real processes on free ports, with a database of their own,
 * against the real infrastructure. Pass otlpEndpoint to collect their spans.
 */
export async function startPlatform(options: { otlpEndpoint?: string; gatewayEnv?: Record<string, string> } = {}): Promise<RunningPlatform> {
  const infra = testInfra();
  const database = uniqueName("e2e_contacts");
  const [contactsGrpc, contactsOps, gatewayPort, gatewayOps] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const telemetry: Record<string, string> = options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {};
  const contacts = await startProcess({
    name: "contacts",
    dir: "services/contacts",
    opsPort: contactsOps,
    env: {
      ...telemetry,
      SERVICE_NAME: "contacts",
      GRPC_PORT: String(contactsGrpc),
      OPS_PORT: String(contactsOps),
      MONGODB_URL: infra.mongodbUrl,
      MONGODB_DATABASE: database,
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      REDIS_KEY_PREFIX: `${database}:`,
      IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
      OUTBOX_SWEEP_INTERVAL_MS: "5000",
      CONSUMER_GROUP: database,
    },
  });
  const gateway = await startProcess({
    name: "gateway",
    dir: "gateway",
    opsPort: gatewayOps,
    env: {
      ...telemetry,
      SERVICE_NAME: "gateway",
      PORT: String(gatewayPort),
      OPS_PORT: String(gatewayOps),
      CONTACTS_ADDRESS: `127.0.0.1:${contactsGrpc}`,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
      ...options.gatewayEnv,
    },
  });
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    database,
    processes: [contacts, gateway],
    stop: async () => {
      await gateway.stop();
      await contacts.stop();
    },
  };
}
