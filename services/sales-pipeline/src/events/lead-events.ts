import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Lead } from "../domain/lead";
import { LEAD_EVENTS } from "./subjects";

/** lead.created: the id and name a consumer needs to link and show it. */
export function leadCreated(lead: Lead): OutboxEvent {
  return outboxEventWithMeta(
    LEAD_EVENTS.created,
    lead.tenantId,
    lead.createdBy,
    lead.createdAt,
    (meta) => ({ meta, leadId: lead.id, name: lead.name }),
    eventsV1.LeadCreated,
  );
}
