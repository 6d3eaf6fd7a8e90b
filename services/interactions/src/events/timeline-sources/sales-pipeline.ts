import { eventsV1 } from "@crm/proto";
import { contact, link, organization, timelineEvent, timelineSource } from "./source";

const deal = link("deal");
const lead = link("lead");
const order = link("order");

/** An amount for a summary, in its currency's major unit: "EUR 1234.56", "JPY 500000". */
function money(amount: eventsV1.Money | undefined): string {
  if (!amount?.currencyCode) return "no amount";
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency: amount.currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: shown with two decimals.
  }
  const minor = Number(amount.amountMinor);
  return `${amount.currencyCode} ${(minor / 10 ** digits).toFixed(digits)}`;
}

/**
 * The sales-pipeline service on timelines: a lead converted, deals opened, moved, won and lost
 * (on their stakeholders', organisation's and own timelines), orders placed and changed (on the
 * buyer's). A deal's first stage is told by deal.created, not again by deal.stage_changed.
 */
export const salesPipelineTimeline = timelineSource("sales-pipeline", [
  timelineEvent("crm.sales-pipeline.lead.converted", eventsV1.LeadConverted, (event, occurredAt) => ({
    kind: "lead.converted",
    occurredAt,
    summary: `Lead converted: ${event.name}${event.dealId ? ", with a deal" : ""}`,
    links: [...contact(event.contactId), ...organization(event.organizationId), ...deal(event.dealId)],
    about: lead(event.leadId)[0],
  })),
  timelineEvent("crm.sales-pipeline.deal.created", eventsV1.DealCreated, (event, occurredAt) => ({
    kind: "deal.created",
    occurredAt,
    summary: `Deal opened: ${event.name} (${money(event.amount)})`,
    links: [...event.contactIds.flatMap(contact), ...organization(event.organizationId), ...deal(event.dealId)],
    about: deal(event.dealId)[0],
  })),
  timelineEvent("crm.sales-pipeline.deal.stage_changed", eventsV1.DealStageChanged, (event, occurredAt) =>
    event.fromStageId
      ? {
          kind: "deal.stage_changed",
          occurredAt,
          summary: `Deal ${event.name} moved to ${event.toStageName} (${event.probability} %)`,
          links: [...event.contactIds.flatMap(contact), ...organization(event.organizationId), ...deal(event.dealId)],
          about: deal(event.dealId)[0],
        }
      : undefined,
  ),
  timelineEvent("crm.sales-pipeline.deal.won", eventsV1.DealWon, (event, occurredAt) => ({
    kind: "deal.won",
    occurredAt,
    summary: `Deal won: ${event.name} (${money(event.amount)})`,
    links: [...event.contactIds.flatMap(contact), ...organization(event.organizationId), ...deal(event.dealId)],
    about: deal(event.dealId)[0],
  })),
  timelineEvent("crm.sales-pipeline.deal.lost", eventsV1.DealLost, (event, occurredAt) => ({
    kind: "deal.lost",
    occurredAt,
    summary: `Deal lost: ${event.name}${event.reason ? ` (${event.reason})` : ""}`,
    links: [...event.contactIds.flatMap(contact), ...organization(event.organizationId), ...deal(event.dealId)],
    about: deal(event.dealId)[0],
  })),
  timelineEvent("crm.sales-pipeline.order.placed", eventsV1.OrderPlaced, (event, occurredAt) => ({
    kind: "order.placed",
    occurredAt,
    summary: `Order placed: ${money(event.total)} (${event.skus.join(", ")})`,
    links: [...contact(event.contactId), ...organization(event.organizationId)],
    about: order(event.orderId)[0],
  })),
  timelineEvent("crm.sales-pipeline.order.status_changed", eventsV1.OrderStatusChanged, (event, occurredAt) => ({
    kind: "order.status_changed",
    occurredAt,
    summary: `Order ${event.toStatus}: ${money(event.total)}`,
    links: [...contact(event.contactId), ...organization(event.organizationId)],
    about: order(event.orderId)[0],
  })),
]);
