import { interactionsV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import type { ClientSettings } from "../modules/gateway-module";

export type InteractionsClient = ServiceClient<interactionsV1.InteractionsServiceClient>;

/** The gateway's way to reach the interactions service: deadlines, identity, retries for reads. */
export function createInteractionsClient(address: string, { identityKey, timeoutMs }: ClientSettings): InteractionsClient {
  return new ServiceClient(interactionsV1.InteractionsServiceClient, address, {
    identityKey,
    timeoutMs,
    reads: ["getInteraction", "listInteractions", "getTask", "listTasks", "listTimeline", "getEngagement"],
  });
}
