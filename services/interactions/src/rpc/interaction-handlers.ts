import { interactionsV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { detailsField, prepareInteraction, toInteractionDraft as draftOf } from "../domain/interaction";
import { searchQueryTokens } from "../domain/text-search";
import type { InteractionRepository } from "../store/interaction-repository";
import { INTERACTION_MASK, toInteractionDraft, toProtoInteraction } from "./interaction-mapping";
import { requireCurrent, requireRequestId } from "./preconditions";

type Handlers = Pick<interactionsV1.InteractionsServiceServer, "createInteraction" | "getInteraction" | "listInteractions" | "updateInteraction" | "deleteInteraction">;

/** Interactions: proto in, checked and standardised, stored or read, proto out. */
export function interactionHandlers(rpc: ServiceRuntime["rpc"], { interactions }: { interactions: InteractionRepository }): Handlers {
  return {
    createInteraction: rpc("CreateInteraction", async (request: interactionsV1.CreateInteractionRequest, { identity }) => {
      requireRequestId(request.requestId);
      const fields = prepareInteraction(toInteractionDraft(request.interaction), identity.subject);
      const created = await interactions.create(actorOf(identity), fields, request.requestId);
      return { interaction: toProtoInteraction(created) };
    }),

    getInteraction: rpc("GetInteraction", async (request: interactionsV1.GetInteractionRequest, { identity }) => {
      requireId(request.id, "id");
      return { interaction: toProtoInteraction(await interactions.get(identity.tenantId, request.id)) };
    }),

    listInteractions: rpc("ListInteractions", async (request: interactionsV1.ListInteractionsRequest, { identity }) => {
      const { items, pageInfo } = await interactions.list(identity.tenantId, request, searchQueryTokens(request.search));
      return { interactions: items.map(toProtoInteraction), pageInfo };
    }),

    updateInteraction: rpc("UpdateInteraction", async (request: interactionsV1.UpdateInteractionRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await interactions.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "interaction");
      const { draft, changed } = applyFieldMask(request.updateMask ?? [], INTERACTION_MASK, draftOf(current), toInteractionDraft(request.interaction), "an interaction");
      if (draft.details && draft.details.kind !== current.details.kind) {
        throw ValidationError.field(`interaction.${detailsField(draft.details.kind)}`, `the kind cannot change: this interaction is a ${current.details.kind}`);
      }
      const fields = prepareInteraction(draft, identity.subject);
      return { interaction: toProtoInteraction(await interactions.update(actorOf(identity), current, fields, changed)) };
    }),

    deleteInteraction: rpc("DeleteInteraction", async (request: interactionsV1.DeleteInteractionRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await interactions.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "interaction");
      await interactions.delete(actorOf(identity), current);
      return {};
    }),
  };
}
