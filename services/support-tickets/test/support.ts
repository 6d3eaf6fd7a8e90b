import { callUnary, identityKey, signIdentity, type Identity, type RequestOf, type ResponseOf, type UnaryMethod } from "@crm/kit";
import { supportTicketsV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, freePort, serviceTestEnv, startInProcess, startProcess, uniqueName, type PlatformProcess } from "@crm/testing";
import { startSupportTickets } from "../src/app";
import { loadSupportTicketsConfig } from "../src/config";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

export const FEEDBACK_LINK_KEY = "test-feedback-link-key-0123456789abcdef";

/**
 * The service in this process on free ports, with a database of its own (or another instance's,
 * `replicaOf`, as a second replica), its SLA scheduler on a short test clock (a target minute
 * lasts 100 ms, the lease is asked for every 100 ms), and contacts at `contactsAddress` (by
 * default nowhere).
 */
export function startTestService(name: string, options: { replicaOf?: string; contactsAddress?: string; env?: Record<string, string> } = {}) {
  // A deployment of its own: erasure requests of other tests' services are not its business.
  const deployment = `deployment_${name}_${options.replicaOf ?? uniqueName("own")}`;
  return startInProcess(name, (env) => startSupportTickets(loadSupportTicketsConfig(env)), supportTicketsV1.SupportTicketsServiceClient, {
    ...(options.replicaOf ? { replicaOf: options.replicaOf } : {}),
    env: {
      DEPLOYMENT: deployment,
      SLA_MINUTE_MS: "100",
      SLA_POLL_MS: "100",
      SLA_LEASE_MS: "1000",
      FEEDBACK_LINK_KEY,
      CONTACTS_ADDRESS: options.contactsAddress ?? "127.0.0.1:1",
      CONTACTS_TIMEOUT_MS: "5000",
      ...options.env,
    },
  }).then((harness) => ({ ...harness, deployment }));
}

export type TestService = Awaited<ReturnType<typeof startTestService>>;

/** The contacts service as a process (its built dist), with a database of its own. */
export async function startContacts(): Promise<{ address: string; process: PlatformProcess }> {
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  const process = await startProcess({
    name: "contacts",
    dir: "services/contacts",
    opsPort,
    env: { ...serviceTestEnv(uniqueName("tickets_contacts")), SERVICE_NAME: "contacts", GRPC_PORT: String(grpcPort), OPS_PORT: String(opsPort) },
  });
  return { address: `127.0.0.1:${grpcPort}`, process };
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 20_000, retry: false };
}

type Client = supportTicketsV1.SupportTicketsServiceClient;

/** Calls one method of the service as this identity, e.g. `call(harness, owner, "getTicket", { id })`. */
export async function call<M extends keyof Client & string>(harness: { client: Client }, identity: Identity, method: M, request: RequestOf<Client[M]>): Promise<ResponseOf<Client[M]>> {
  const bound = (harness.client[method] as unknown as UnaryMethod<RequestOf<Client[M]>, ResponseOf<Client[M]>>).bind(harness.client);
  return callUnary(bound, request, await as(identity));
}

/** A ticket input with the fields a test does not care about filled in; the requester a known contact id by default. */
export function ticketInput(fields: Partial<supportTicketsV1.TicketInput> = {}): supportTicketsV1.TicketInput {
  return supportTicketsV1.TicketInput.fromPartial({ subject: "Printer on fire", channel: "email", requester: { contactId: "", email: "ada@example.com", phone: "", name: "Ada Lovelace" }, ...fields });
}

/** An always-open SLA policy of targets in (test-clock) minutes. */
export function policyInput(fields: Partial<supportTicketsV1.SlaPolicyInput> = {}): supportTicketsV1.SlaPolicyInput {
  return supportTicketsV1.SlaPolicyInput.fromPartial({ name: "Default", targets: { normal: { firstResponseMinutes: 0, nextUpdateMinutes: 0, resolutionMinutes: 600 } }, ...fields });
}
