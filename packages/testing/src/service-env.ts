import { credentials, type ChannelCredentials, type Client } from "@grpc/grpc-js";
import { testInfra, uniqueName } from "./infra";
import { TEST_IDENTITY_KEY } from "./tokens";

/**
 * The environment of one service under test: the real infrastructure, a database, Redis prefix
 * and consumer group of its own (named `database`), the test identity key, a short outbox sweep,
 * and consumers that start at the events published from then on (the shared NATS keeps every
 * earlier run's events, which are no test's business and grow with each run). Process and
 * in-process runs both start from it.
 */
export function serviceTestEnv(database: string): Record<string, string> {
  const infra = testInfra();
  return {
    MONGODB_URL: infra.mongodbUrl,
    MONGODB_DATABASE: database,
    NATS_URL: infra.natsUrl,
    REDIS_URL: infra.redisUrl,
    REDIS_KEY_PREFIX: `${database}:`,
    CONSUMER_GROUP: database,
    IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
    OUTBOX_SWEEP_INTERVAL_MS: "5000",
    CONSUMER_START: "new",
  };
}

/** What an app.ts start function returns, as far as the harness needs it (see @crm/kit ServiceRuntime). */
export interface StartedService {
  runtime: {
    mongo: { dropDatabase(): Promise<unknown> };
    stopBackgroundWork(): Promise<void>;
    close(): Promise<void>;
  };
  ports: { grpcPort: number; opsPort: number };
}

/**
 * A whole service in this process on free ports (0), against the real FerretDB, NATS and Redis,
 * with its own database; or with another instance's (`replicaOf`), as a second replica would
 * run. `start` is the service's app.ts function, given the environment to parse; `Client` the
 * generated client of its gRPC service, connected to it.
 */
export async function startInProcess<S extends StartedService, C extends Client>(
  name: string,
  start: (env: Record<string, string>) => Promise<S>,
  Client: new (address: string, credentials: ChannelCredentials) => C,
  options: { replicaOf?: string; env?: Record<string, string> } = {},
) {
  const database = options.replicaOf ?? uniqueName(name);
  const service = await start({
    ...serviceTestEnv(database),
    GRPC_PORT: "0",
    OPS_PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...options.env,
  });
  const address = `127.0.0.1:${service.ports.grpcPort}`;
  const client = new Client(address, credentials.createInsecure());
  return {
    service,
    database,
    address,
    client,
    async stop() {
      client.close();
      // Background work stops before its database is dropped beneath it; a replica leaves the database to its first instance.
      await service.runtime.stopBackgroundWork();
      if (!options.replicaOf) await service.runtime.mongo.dropDatabase();
      await service.runtime.close();
    },
  };
}
