import { interactionsV1 } from "@crm/proto";
import { toEtag } from "@crm/kit";
import type { Interaction, InteractionDraft } from "../domain/interaction";
import type { InteractionDetails } from "../domain/interaction-details";

type ProtoDetails = NonNullable<interactionsV1.Interaction["details"]>;

export function toProtoInteraction(interaction: Interaction): interactionsV1.Interaction {
  return {
    id: interaction.id,
    name: "",
    kind: interaction.details.kind,
    occurTime: interaction.occurredAt,
    ownerId: interaction.ownerId,
    contactIds: interaction.contactsNow ?? interaction.contactIds,
    organizationId: interaction.organizationId,
    dealId: interaction.dealId,
    ticketId: interaction.ticketId,
    subject: interaction.subject,
    body: interaction.body,
    details: toProtoDetails(interaction.details),
    createTime: interaction.createdAt,
    updateTime: interaction.updatedAt,
    createdBy: interaction.createdBy,
    updatedBy: interaction.updatedBy,
    etag: toEtag(interaction.version),
  };
}

function toProtoDetails(details: InteractionDetails): ProtoDetails {
  switch (details.kind) {
    case "call":
      return { $case: "call", call: { direction: details.direction, durationSeconds: details.durationSeconds, outcome: details.outcome, recordingUrl: details.recordingUrl } };
    case "email":
      return { $case: "email", email: { direction: details.direction, threadId: details.threadId, messageId: details.messageId, fromAddress: details.fromAddress, toAddresses: details.toAddresses } };
    case "meeting":
      return { $case: "meeting", meeting: { endTime: details.endAt, attendees: details.attendees, location: details.location, meetingUrl: details.meetingUrl } };
    case "note":
      return { $case: "note", note: {} };
    case "message":
      return { $case: "message", message: { channel: details.channel, network: details.network, handle: details.handle, direction: details.direction } };
    case "web_visit":
      return { $case: "webVisit", webVisit: { pageUrl: details.pageUrl, pageTitle: details.pageTitle, referrer: details.referrer, campaign: details.campaign } };
  }
}

/** The draft a request writes; checked and standardised by domain/interaction.ts. */
export function toInteractionDraft(input: interactionsV1.InteractionInput | undefined): InteractionDraft {
  const given = input ?? interactionsV1.InteractionInput.fromPartial({});
  return {
    occurredAt: given.occurTime,
    ownerId: given.ownerId,
    contactIds: given.contactIds,
    organizationId: given.organizationId,
    dealId: given.dealId,
    ticketId: given.ticketId,
    subject: given.subject,
    body: given.body,
    details: given.details && fromProtoDetails(given.details),
  };
}

function fromProtoDetails(details: ProtoDetails): InteractionDetails {
  switch (details.$case) {
    case "call":
      return { kind: "call", ...details.call };
    case "email":
      return { kind: "email", ...details.email };
    case "meeting": {
      const { endTime, attendees, location, meetingUrl } = details.meeting;
      return { kind: "meeting", endAt: endTime, attendees: attendees.map(({ contactId, name, email }) => ({ contactId, name, email })), location, meetingUrl };
    }
    case "note":
      return { kind: "note" };
    case "message":
      return { kind: "message", ...details.message };
    case "webVisit":
      return { kind: "web_visit", ...details.webVisit };
  }
}

/** Update-mask paths of InteractionInput and the draft field each changes; a kind's details field changes the details. */
export const INTERACTION_MASK: Record<string, keyof InteractionDraft> = {
  occurTime: "occurredAt",
  ownerId: "ownerId",
  contactIds: "contactIds",
  organizationId: "organizationId",
  dealId: "dealId",
  ticketId: "ticketId",
  subject: "subject",
  body: "body",
  details: "details",
  ...Object.fromEntries(["call", "email", "meeting", "note", "message", "webVisit"].map((field) => [field, "details" as const])),
};
