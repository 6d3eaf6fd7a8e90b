import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Interaction } from "../domain/interaction";
import { INTERACTION_EVENTS } from "./subjects";

/** interaction.created: the id and name a consumer needs to link and show it. */
export function interactionCreated(interaction: Interaction): OutboxEvent {
  return outboxEventWithMeta(
    INTERACTION_EVENTS.created,
    interaction.tenantId,
    interaction.createdBy,
    interaction.createdAt,
    (meta) => ({ meta, interactionId: interaction.id, name: interaction.name }),
    eventsV1.InteractionCreated,
  );
}
