import { interactionsV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareInteraction } from "../domain/interaction";
import type { InteractionRepository } from "../store/interaction-repository";
import { toInteractionDraft, toProtoInteraction } from "./mapping";

/** Interactions: proto in, checked and standardised, stored or read, proto out. */
export function interactionHandlers(rpc: ServiceRuntime["rpc"], { interactions }: { interactions: InteractionRepository }): interactionsV1.InteractionsServiceServer {
  return {
    createInteraction: rpc("CreateInteraction", async (request: interactionsV1.CreateInteractionRequest, { identity }) => {
      const fields = prepareInteraction(toInteractionDraft(request.interaction));
      const created = await interactions.create(actorOf(identity), fields, request.requestId);
      return { interaction: toProtoInteraction(created) };
    }),

    getInteraction: rpc("GetInteraction", async (request: interactionsV1.GetInteractionRequest, { identity }) => {
      requireId(request.id, "id");
      return { interaction: toProtoInteraction(await interactions.get(identity.tenantId, request.id)) };
    }),

    listInteractions: rpc("ListInteractions", async (request: interactionsV1.ListInteractionsRequest, { identity }) => {
      const { items, pageInfo } = await interactions.list(identity.tenantId, request);
      return { interactions: items.map(toProtoInteraction), pageInfo };
    }),
  };
}
