import { identityKey, signIdentity, type Identity } from "@crm/kit";
import { consentV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess } from "@crm/testing";
import { startConsent } from "../src/app";
import { loadConsentConfig } from "../src/config";

/** The service in this process on free ports, with a database of its own, and a gRPC client to it. */
export function startTestService(name: string) {
  return startInProcess(name, (env) => startConsent(loadConsentConfig(env)), consentV1.ConsentServiceClient);
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 20_000, retry: false };
}
