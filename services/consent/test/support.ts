import { callUnary, identityKey, signIdentity, type Identity, type RequestOf, type ResponseOf, type UnaryMethod } from "@crm/kit";
import { consentV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess, uniqueName } from "@crm/testing";
import { startConsent } from "../src/app";
import { loadConsentConfig } from "../src/config";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

export type ConsentHarness = Awaited<ReturnType<typeof startTestService>>;

/**
 * The service in this process on free ports, with a database of its own and a deployment of its
 * own (its erasure requests are answered only by what the test starts in that deployment), and
 * a gRPC client to it. Questions to other services go to `addresses` (by default, nowhere).
 */
export function startTestService(name: string, env: Record<string, string> = {}) {
  const deployment = uniqueName("deployment");
  return startInProcess(name, (base) => startConsent(loadConsentConfig(base)), consentV1.ConsentServiceClient, {
    env: { DEPLOYMENT: deployment, SUBJECT_REQUEST_POLL_MS: "200", SUBJECT_REQUEST_REASK_MS: "1000", PARTICIPANT_TIMEOUT_MS: "2000", ...env },
  }).then((harness) => ({ ...harness, deployment }));
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 30_000, retry: false };
}

type Client = consentV1.ConsentServiceClient;

/** Calls one method of the service as this identity, e.g. `call(harness, owner, "getPurpose", { id })`. */
export async function call<M extends keyof Client & string>(harness: { client: Client }, identity: Identity, method: M, request: RequestOf<Client[M]>): Promise<ResponseOf<Client[M]>> {
  const bound = (harness.client[method] as unknown as UnaryMethod<RequestOf<Client[M]>, ResponseOf<Client[M]>>).bind(harness.client);
  return callUnary(bound, request, await as(identity));
}

/** A purpose with the fields a test does not care about filled in. */
export function purposeInput(fields: Partial<consentV1.PurposeInput> = {}): consentV1.PurposeInput {
  return consentV1.PurposeInput.fromPartial({
    name: "Newsletter",
    lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_CONSENT,
    noticeText: "We send you our newsletter once a month.",
    ...fields,
  });
}

export async function createPurpose(harness: { client: Client }, identity: Identity, fields: Partial<consentV1.PurposeInput> = {}) {
  return (await call(harness, identity, "createPurpose", { purpose: purposeInput(fields), requestId: "" })).purpose!;
}

const { Channel, ConsentAction, ConsentSource } = consentV1;
export { Channel, ConsentAction, ConsentSource };

/** A grant or withdrawal with the fields a test does not care about filled in. */
export function consentInput(fields: Partial<consentV1.ConsentInput> & Pick<consentV1.ConsentInput, "subjectId" | "purposeId">): consentV1.ConsentInput {
  return consentV1.ConsentInput.fromPartial({ channel: Channel.CHANNEL_EMAIL, action: ConsentAction.CONSENT_ACTION_GRANT, source: ConsentSource.CONSENT_SOURCE_FORM, ...fields });
}

export async function record(harness: { client: Client }, identity: Identity, ...consents: consentV1.ConsentInput[]) {
  return (await call(harness, identity, "recordConsents", { consents })).entries;
}
