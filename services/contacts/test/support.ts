import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { IDENTITY_METADATA_KEY, identityKey, signIdentity, statusDetailsOf, type Identity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess } from "@crm/testing";
import { startContacts } from "../src/app";
import { loadContactsConfig } from "../src/config";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

export type ContactsService = Awaited<ReturnType<typeof startContacts>>;
const key = identityKey(TEST_IDENTITY_KEY);

/**
 * The whole service in-process on port 0, against the real FerretDB, NATS and Redis, with its own
 * database, or with another instance's (`replicaOf`), as a second replica would run.
 */
export async function startTestService(name: string, options: { replicaOf?: string; env?: Record<string, string> } = {}) {
  return startInProcess(name, (env) => startContacts(loadContactsConfig(env)), contactsV1.ContactsServiceClient, options);
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

/** The duplicate candidates carried by an ALREADY_EXISTS status. */
export function candidatesOf(error: ServiceError): contactsV1.DuplicateCandidate[] {
  return statusDetailsOf(error)
    .filter((detail) => detail.typeUrl.endsWith("crm.contacts.v1.DuplicateCandidates"))
    .flatMap((detail) => contactsV1.DuplicateCandidates.decode(detail.value).candidates);
}

export const condition = (field: string, comparator: number, ...values: string[]) => ({
  node: { $case: "condition" as const, condition: { field, comparator, values } },
});
