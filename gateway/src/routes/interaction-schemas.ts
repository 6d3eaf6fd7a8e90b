import { interactionsV1 } from "@crm/proto";
import { z } from "zod";
import { idSchema } from "./schemas";

const text = (max = 200) => z.string().max(max);
const time = z.iso.datetime({ offset: true }).describe("ISO 8601");
const url = text(2_000).describe("http or https");
const direction = z.enum(["inbound", "outbound"]);

const callSchema = z
  .object({
    direction,
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    outcome: z.enum(["connected", "no_answer", "voicemail", "busy", "failed"]).optional(),
    recordingUrl: url.optional().describe("Where the recording is kept"),
  })
  .strict();
const emailSchema = z
  .object({
    direction,
    threadId: text(998).optional(),
    messageId: text(998).optional().describe("The Message-ID header: an e-mail already logged with it is not logged again (the first is answered)"),
    fromAddress: text(254).optional(),
    toAddresses: z.array(text(254)).max(100).optional(),
  })
  .strict();
const attendeeSchema = z.object({ contactId: idSchema.optional(), name: text().optional(), email: text(254).optional() }).strict();
const meetingSchema = z
  .object({ endAt: time.optional().describe("The start is occurredAt"), attendees: z.array(attendeeSchema).max(200).optional(), location: text(500).optional(), meetingUrl: url.optional() })
  .strict();
const messageSchema = z
  .object({ channel: z.enum(["chat", "sms", "social"]), network: text(50).optional().describe("For social messages: linkedin, x, facebook..."), handle: text().optional(), direction })
  .strict();
const webVisitSchema = z.object({ pageUrl: url, pageTitle: text(500).optional(), referrer: url.optional(), campaign: text().optional().describe("e.g. its utm_campaign") }).strict();

const common = {
  occurredAt: time.optional().describe("When it happened; now when left out"),
  ownerId: text(100).optional().describe("Defaults to the caller"),
  contactIds: z.array(idSchema).min(1).max(50).describe("The contacts it involves"),
  organizationId: idSchema.optional(),
  dealId: idSchema.optional(),
  ticketId: idSchema.optional(),
  subject: text(500).optional().describe("An e-mail's subject, a meeting's title, a call's or note's topic"),
  body: z.string().max(100_000).optional().describe("Free text, stored as given: an e-mail's body or summary, notes. Searchable by word prefix"),
};

/** A new interaction: its kind, the common fields, and that kind's details. */
export const newInteractionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("call"), ...common, call: callSchema }).strict(),
  z.object({ kind: z.literal("email"), ...common, email: emailSchema }).strict(),
  z.object({ kind: z.literal("meeting"), ...common, meeting: meetingSchema.optional() }).strict(),
  z.object({ kind: z.literal("note"), ...common }).strict(),
  z.object({ kind: z.literal("message"), ...common, message: messageSchema }).strict(),
  z.object({ kind: z.literal("web_visit"), ...common, webVisit: webVisitSchema }).strict(),
]);

/** A PATCH: the fields present change; the details under the interaction's own kind's key. The kind cannot change. */
export const interactionPatchSchema = z
  .object({
    ...common,
    contactIds: common.contactIds.optional(),
    call: callSchema.optional(),
    email: emailSchema.optional(),
    meeting: meetingSchema.optional(),
    message: messageSchema.optional(),
    webVisit: webVisitSchema.optional(),
  })
  .strict();

const out = <S extends z.ZodType>(schema: S) => schema.optional();
export const interactionSchema = z.object({
  id: z.string(),
  kind: z.enum(["call", "email", "meeting", "note", "message", "web_visit"]),
  occurredAt: z.string(),
  ownerId: z.string(),
  contactIds: z.array(z.string()).describe("A merged contact is shown as the contact it was merged into"),
  organizationId: z.string().nullable(),
  dealId: z.string().nullable(),
  ticketId: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  call: out(z.object({ direction: z.string(), durationSeconds: z.number(), outcome: z.string(), recordingUrl: z.string() })),
  email: out(z.object({ direction: z.string(), threadId: z.string(), messageId: z.string(), fromAddress: z.string(), toAddresses: z.array(z.string()) })),
  meeting: out(z.object({ endAt: z.string().nullable(), attendees: z.array(z.object({ contactId: z.string(), name: z.string(), email: z.string() })), location: z.string(), meetingUrl: z.string() })),
  message: out(z.object({ channel: z.string(), network: z.string(), handle: z.string(), direction: z.string() })),
  webVisit: out(z.object({ pageUrl: z.string(), pageTitle: z.string(), referrer: z.string(), campaign: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
});

/** A create's or a PATCH's body, as the conversion reads it. */
type InteractionBody = Partial<z.output<typeof interactionPatchSchema>> & { kind?: string };

/** The proto input of a create or a PATCH; the details under the body's kind key, if any. */
export function toInteractionInput(body: InteractionBody): interactionsV1.InteractionInput {
  return interactionsV1.InteractionInput.fromPartial({
    occurTime: body.occurredAt ? new Date(body.occurredAt) : undefined,
    ownerId: body.ownerId ?? "",
    contactIds: body.contactIds ?? [],
    organizationId: body.organizationId ?? "",
    dealId: body.dealId ?? "",
    ticketId: body.ticketId ?? "",
    subject: body.subject ?? "",
    body: body.body ?? "",
    details: toProtoDetails(body),
  });
}

function toProtoDetails(body: InteractionBody): interactionsV1.InteractionInput["details"] {
  if (body.call) return { $case: "call", call: interactionsV1.CallDetails.fromPartial(body.call) };
  if (body.email) return { $case: "email", email: interactionsV1.EmailDetails.fromPartial(body.email) };
  if (body.meeting || body.kind === "meeting") {
    const { endAt, ...meeting } = body.meeting ?? {};
    return { $case: "meeting", meeting: interactionsV1.MeetingDetails.fromPartial({ ...meeting, endTime: endAt ? new Date(endAt) : undefined }) };
  }
  if (body.message) return { $case: "message", message: interactionsV1.MessageDetails.fromPartial(body.message) };
  if (body.webVisit) return { $case: "webVisit", webVisit: interactionsV1.WebVisitDetails.fromPartial(body.webVisit) };
  return body.kind === "note" ? { $case: "note", note: {} } : undefined;
}

export function toRestInteraction(interaction: interactionsV1.Interaction | undefined): z.output<typeof interactionSchema> {
  if (!interaction) throw new Error("the interactions service answered without an interaction");
  const { details, occurTime, createTime, updateTime, etag: _etag, name: _name, kind, organizationId, dealId, ticketId, ...rest } = interaction;
  return {
    ...rest,
    kind: kind as z.output<typeof interactionSchema>["kind"],
    organizationId: organizationId || null,
    dealId: dealId || null,
    ticketId: ticketId || null,
    ...restDetails(details),
    occurredAt: occurTime?.toISOString() ?? "",
    createdAt: createTime?.toISOString() ?? "",
    updatedAt: updateTime?.toISOString() ?? "",
  };
}

/** The details under the key of their kind; a note has none. */
function restDetails(details: interactionsV1.Interaction["details"]) {
  switch (details?.$case) {
    case "call":
      return { call: details.call };
    case "email":
      return { email: details.email };
    case "meeting": {
      const { endTime, ...meeting } = details.meeting;
      return { meeting: { ...meeting, endAt: endTime?.toISOString() ?? null } };
    }
    case "message":
      return { message: details.message };
    case "webVisit":
      return { webVisit: details.webVisit };
    default:
      return {};
  }
}
