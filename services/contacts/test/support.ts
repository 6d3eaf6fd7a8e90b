import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { IDENTITY_METADATA_KEY, createGrpcClient, identityKey, signIdentity, statusDetailsOf, type Identity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, testInfra, uniqueName } from "@crm/testing";
import { startContacts } from "../src/app";
import { contactsConfigSchema } from "../src/config";

export type ContactsService = Awaited<ReturnType<typeof startContacts>>;
const key = identityKey(TEST_IDENTITY_KEY);

/**
 * The whole service in-process on port 0, against the real FerretDB, NATS and Redis, with its own
 * database, or with another instance's (`replicaOf`), as a second replica would run.
 */
export async function startTestService(name: string, options: { replicaOf?: string; env?: Record<string, string> } = {}) {
  const infra = testInfra();
  const database = options.replicaOf ?? uniqueName(name);
  const service = await startContacts(
    contactsConfigSchema.parse({
      GRPC_PORT: "0",
      OPS_PORT: "0",
      MONGODB_URL: infra.mongodbUrl,
      MONGODB_DATABASE: database,
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      REDIS_KEY_PREFIX: database,
      IDENTITY_SIGNING_KEY: TEST_IDENTITY_KEY,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      OUTBOX_SWEEP_INTERVAL_MS: "5000",
      CONSUMER_GROUP: database,
      ...options.env,
    }),
  );
  const client = createGrpcClient(contactsV1.ContactsServiceClient, `127.0.0.1:${service.ports.grpcPort}`);
  return {
    service,
    client,
    database,
    async stop() {
      client.close();
      // Background work stops before its database is dropped beneath it.
      await service.importWorker.stop();
      if (!options.replicaOf) await service.runtime.mongo.dropDatabase();
      await service.runtime.close();
    },
  };
}

export function tenant(name: string, roles = ["admin"]): Identity {
  return { subject: `user-${name}`, tenantId: uniqueName(name), roles, scopes: [] };
}

export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, key), timeoutMs: 20_000, retry: false };
}

/** Metadata carrying a signed identity, for streaming calls made directly on the client. */
export function metadataFor(settings: { identityToken: string }): Metadata {
  const metadata = new Metadata();
  metadata.set(IDENTITY_METADATA_KEY, settings.identityToken);
  return metadata;
}

export function contactInput(fields: Partial<contactsV1.ContactInput> = {}): contactsV1.ContactInput {
  return contactsV1.ContactInput.fromPartial(fields);
}

export const emails = (...addresses: string[]) => addresses.map((address, i) => ({ address, type: "", primary: i === 0 }));
export const phones = (...numbers: string[]) => numbers.map((number, i) => ({ number, type: "", primary: i === 0 }));

export async function grpcError(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error("expected an error");
    },
    (error: ServiceError) => error,
  );
}

/** The duplicate candidates carried by an ALREADY_EXISTS status. */
export function candidatesOf(error: ServiceError): contactsV1.DuplicateCandidate[] {
  return statusDetailsOf(error)
    .filter((detail) => detail.typeUrl.endsWith("crm.contacts.v1.DuplicateCandidates"))
    .flatMap((detail) => contactsV1.DuplicateCandidates.decode(detail.value).candidates);
}

export const condition = (field: string, comparator: number, ...values: string[]) => ({
  node: { $case: "condition" as const, condition: { field, comparator, values } },
});

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
