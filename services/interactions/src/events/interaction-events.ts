import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import { kindOf, type Interaction } from "../domain/interaction";
import { interactionSummary } from "../domain/summary";
import { INTERACTION_EVENTS } from "./subjects";

/** The ids and the one-line summary consumers link and show; never the body or the details. */
function described(interaction: Interaction) {
  return {
    interactionId: interaction.id,
    kind: kindOf(interaction),
    contactIds: interaction.contactIds,
    organizationId: interaction.organizationId,
    dealId: interaction.dealId,
    ticketId: interaction.ticketId,
    ownerId: interaction.ownerId,
    occurTime: interaction.occurredAt,
    summary: interactionSummary(interaction),
    version: interaction.version,
  };
}

/** interaction.logged: contacts keeps each contact's last interaction time from it; the timeline shows it. */
export function interactionLogged(interaction: Interaction): OutboxEvent {
  return outboxEventWithMeta(INTERACTION_EVENTS.logged, interaction.tenantId, interaction.createdBy, interaction.createdAt, (meta) => ({ meta, ...described(interaction) }), eventsV1.InteractionLogged);
}

export function interactionUpdated(interaction: Interaction, changedFields: string[]): OutboxEvent {
  return outboxEventWithMeta(
    INTERACTION_EVENTS.updated,
    interaction.tenantId,
    interaction.updatedBy,
    interaction.updatedAt,
    (meta) => ({ meta, ...described(interaction), changedFields }),
    eventsV1.InteractionUpdated,
  );
}

/** interaction.deleted, by a user or by erasure: the contacts it linked to, and nothing of its content. */
export function interactionDeleted(interaction: Interaction, contactIds: string[], reason: "deleted" | "erased"): OutboxEvent {
  return outboxEventWithMeta(
    INTERACTION_EVENTS.deleted,
    interaction.tenantId,
    interaction.updatedBy,
    interaction.updatedAt,
    (meta) => ({ meta, interactionId: interaction.id, version: interaction.version, contactIds, reason }),
    eventsV1.InteractionDeleted,
  );
}
