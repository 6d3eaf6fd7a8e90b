import { marketingCampaignV1 } from "@crm/proto";
import { requireId, ValidationError, type FieldViolation, type ServiceRuntime } from "@crm/kit";
import { PROVIDER_EVENT_TYPES, type ProviderEvent, type ProviderEventType } from "../domain/response";
import { fromUpstream } from "../clients/upstream-errors";
import type { MessageRepository } from "../store/message-repository";
import type { MessageDocument } from "../store/message.model";
import { bounceKinds, channels, outcomes, responseTypes } from "./enums";
import type { ResponseRecorder } from "./response-recorder";

const MAX_EVENTS = 1_000;

export interface ResponseHandlerDeps {
  recorder: ResponseRecorder;
  messages: MessageRepository;
}

/** Provider reports in, each checked; and a contact's send history out. */
export function responseHandlers(rpc: ServiceRuntime["rpc"], { recorder, messages }: ResponseHandlerDeps) {
  return {
    recordResponses: rpc("RecordResponses", async (request: marketingCampaignV1.RecordResponsesRequest, { identity }) => {
      const events = toProviderEvents(request.events);
      try {
        return { outcomes: (await recorder.record(identity, events)).map((outcome) => outcomes.fromName(outcome, "outcome")) };
      } catch (error) {
        throw fromUpstream(error, "consent");
      }
    }),

    listContactMessages: rpc("ListContactMessages", async (request: marketingCampaignV1.ListContactMessagesRequest, { identity }) => {
      requireId(request.contactId, "contactId");
      const page = await messages.ofContact(identity.tenantId, request.contactId, request.page);
      return { messages: page.items.map(toSentMessage), pageInfo: page.pageInfo };
    }),
  };
}

function toProviderEvents(events: marketingCampaignV1.ProviderEvent[]): ProviderEvent[] {
  if (events.length === 0) throw ValidationError.field("events", "needs at least one event");
  if (events.length > MAX_EVENTS) throw ValidationError.field("events", `takes at most ${MAX_EVENTS} events`);
  const violations: FieldViolation[] = [];
  const checked = events.map((event, index): ProviderEvent => {
    const at = `events[${index}]`;
    const type = responseTypes.toName(event.type) as ProviderEventType;
    if (!PROVIDER_EVENT_TYPES.includes(type)) violations.push({ field: `${at}.type`, description: `must be one of ${PROVIDER_EVENT_TYPES.join(", ")}` });
    if (!event.eventId.trim() || event.eventId.length > 200) violations.push({ field: `${at}.eventId`, description: "is required (at most 200 characters)" });
    try {
      requireId(event.messageId, `${at}.messageId`);
    } catch (error) {
      violations.push(...(error as ValidationError).violations);
    }
    const bounceKind = bounceKinds.toName(event.bounceKind) as ProviderEvent["bounceKind"];
    if (type === "bounced" && !bounceKind) violations.push({ field: `${at}.bounceKind`, description: "is required for a bounce: soft, hard or auto_reply" });
    if (event.url.length > 2_000) violations.push({ field: `${at}.url`, description: "must be at most 2000 characters" });
    return { eventId: event.eventId.trim(), messageId: event.messageId, type, bounceKind, url: event.url, occurredAt: event.occurTime ?? new Date() };
  });
  if (violations.length > 0) throw new ValidationError(violations);
  return checked;
}

function toSentMessage(message: MessageDocument): marketingCampaignV1.SentMessage {
  return {
    messageId: message._id,
    campaignId: message.campaignId,
    campaignName: message.campaignName,
    variant: message.variant,
    channel: channels.fromName(message.channel, "channel"),
    contactId: message.contactId,
    sendTime: message.sentAt,
    responses: [...message.responses].sort((a, b) => a.at.getTime() - b.at.getTime()).map(({ response, url, at }) => ({ response, url, occurTime: at })),
  };
}
