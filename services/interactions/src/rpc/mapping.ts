import { interactionsV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Interaction, InteractionDraft } from "../domain/interaction";

export function toProtoInteraction(interaction: Interaction): interactionsV1.Interaction {
  return {
    id: interaction.id,
    name: interaction.name,
    createTime: interaction.createdAt,
    updateTime: interaction.updatedAt,
    createdBy: interaction.createdBy,
    etag: toEtag(interaction.version),
  };
}

export function toInteractionDraft(input: interactionsV1.InteractionInput | undefined): InteractionDraft {
  if (!input) throw ValidationError.field("interaction", "is required");
  return { name: input.name };
}
