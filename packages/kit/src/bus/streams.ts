/** JetStream stream of one producing service: every subject `crm.<service>.>`. */
export function serviceStream(service: string): { name: string; subjects: string[] } {
  return { name: `CRM_${service.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`, subjects: [`crm.${service}.>`] };
}

/** Where consumers park messages they could not process after every retry. */
export const DEAD_LETTER_STREAM = { name: "CRM_DEAD_LETTER", subjects: ["crm.dead_letter.>"] };

export function deadLetterSubject(durable: string): string {
  return `crm.dead_letter.${durable.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** Header names every event carries beside Nats-Msg-Id and the W3C trace context. */
export const EVENT_HEADERS = {
  tenant: "Crm-Tenant",
  type: "Crm-Event-Type",
  originalSubject: "Crm-Original-Subject",
  error: "Crm-Error",
} as const;

/** OpenTelemetry messaging attributes shared by publish and process spans. */
export function messagingSpanAttributes(operation: "publish" | "process", subject: string, eventId: string, tenantId: string) {
  return {
    "messaging.system": "nats",
    "messaging.operation.type": operation,
    "messaging.destination.name": subject,
    "messaging.message.id": eventId,
    "crm.tenant": tenantId,
  };
}
