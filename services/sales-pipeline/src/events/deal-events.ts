import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import { contactIdsOf, type Deal } from "../domain/deal";
import { DEAL_EVENTS } from "./subjects";

const money = (deal: Deal) => ({ currencyCode: deal.amount.currency, amountMinor: String(deal.amount.minor) });

/** deal.created: what a timeline or an influence report needs to link it. */
export function dealCreated(deal: Deal): OutboxEvent {
  return outboxEventWithMeta(
    DEAL_EVENTS.created,
    deal.tenantId,
    deal.createdBy,
    deal.createdAt,
    (meta) => ({ meta, dealId: deal.id, name: deal.name, pipelineId: deal.pipelineId, stageId: deal.stageId, amount: money(deal), contactIds: contactIdsOf(deal), organizationId: deal.organizationId, ownerId: deal.ownerId, leadId: deal.leadId }),
    eventsV1.DealCreated,
  );
}

/**
 * The events of a deal entering a stage (its first one too): deal.stage_changed, and deal.won or
 * deal.lost when the stage is a won or lost one.
 */
export function stageEvents(deal: Deal, fromStageId: string, actor: string, at: Date): OutboxEvent[] {
  const common = { dealId: deal.id, name: deal.name, pipelineId: deal.pipelineId, amount: money(deal), organizationId: deal.organizationId, ownerId: deal.ownerId };
  const events = [
    outboxEventWithMeta(
      DEAL_EVENTS.stageChanged,
      deal.tenantId,
      actor,
      at,
      (meta) => ({ meta, ...common, fromStageId, toStageId: deal.stageId, toStageName: deal.stageName, probability: deal.probability, contactIds: contactIdsOf(deal) }),
      eventsV1.DealStageChanged,
    ),
  ];
  if (deal.status === "won") {
    events.push(outboxEventWithMeta(DEAL_EVENTS.won, deal.tenantId, actor, at, (meta) => ({ meta, ...common, stageId: deal.stageId, contactIds: contactIdsOf(deal) }), eventsV1.DealWon));
  } else if (deal.status === "lost") {
    events.push(outboxEventWithMeta(DEAL_EVENTS.lost, deal.tenantId, actor, at, (meta) => ({ meta, ...common, stageId: deal.stageId, contactIds: contactIdsOf(deal), reason: deal.closeReason }), eventsV1.DealLost));
  }
  return events;
}
