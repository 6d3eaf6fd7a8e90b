import { identityKey, signIdentity, type Identity } from "@crm/kit";
import { salesPipelineV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess } from "@crm/testing";
import { startSalesPipeline } from "../src/app";
import { loadSalesPipelineConfig } from "../src/config";

/** The service in this process on free ports, with a database of its own, and a gRPC client to it. */
export function startTestService(name: string) {
  return startInProcess(name, (env) => startSalesPipeline(loadSalesPipelineConfig(env)), salesPipelineV1.SalesPipelineServiceClient);
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 20_000, retry: false };
}
