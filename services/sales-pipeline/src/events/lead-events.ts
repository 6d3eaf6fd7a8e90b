import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Lead } from "../domain/lead";
import { LEAD_EVENTS } from "./subjects";

/** lead.created: the id, name, source and owner a consumer needs to link and show it. */
export function leadCreated(lead: Lead): OutboxEvent {
  return outboxEventWithMeta(
    LEAD_EVENTS.created,
    lead.tenantId,
    lead.createdBy,
    lead.createdAt,
    (meta) => ({ meta, leadId: lead.id, name: lead.name, source: lead.source, sourceDetail: lead.sourceDetail, ownerId: lead.ownerId, contactId: lead.contactId, score: lead.score }),
    eventsV1.LeadCreated,
  );
}

/** lead.score_changed: the new score, the old one, why it changed and the reasons of the new one. */
export function leadScoreChanged(lead: Lead, previousScore: number, cause: string, actor: string, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    LEAD_EVENTS.scoreChanged,
    lead.tenantId,
    actor,
    at,
    (meta) => ({ meta, leadId: lead.id, score: lead.score, previousScore, cause, reasons: lead.scoreReasons.map((reason) => reason.description), contactId: lead.contactId, ownerId: lead.ownerId }),
    eventsV1.LeadScoreChanged,
  );
}

/** lead.converted: the records the lead became, and whether contacts' were found rather than made. */
export function leadConverted(lead: Lead, actor: string, at: Date): OutboxEvent {
  const conversion = lead.conversion!;
  return outboxEventWithMeta(
    LEAD_EVENTS.converted,
    lead.tenantId,
    actor,
    at,
    (meta) => ({
      meta,
      leadId: lead.id,
      name: lead.name,
      contactId: conversion.contactId,
      contactReused: conversion.contactReused,
      organizationId: conversion.organizationId,
      organizationReused: conversion.organizationReused,
      dealId: conversion.dealId,
      ownerId: lead.ownerId,
    }),
    eventsV1.LeadConverted,
  );
}
