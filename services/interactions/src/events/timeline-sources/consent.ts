import { eventsV1 } from "@crm/proto";
import { contact, timelineEvent, timelineSource } from "./source";

const CHANNELS: Record<string, string> = { email: "e-mail", phone: "phone", sms: "SMS", post: "post", any: "any channel" };

/** The consent service on timelines: a contact's consent granted or withdrawn, by channel and source. */
export const consentTimeline = timelineSource("consent", [
  timelineEvent("crm.consent.consent.changed", eventsV1.ConsentChanged, (event, occurredAt) => ({
    kind: "consent.changed",
    // When the subject gave or withdrew it, which may precede its recording.
    occurredAt: event.changeTime ?? occurredAt,
    summary: `Consent ${event.status === "granted" ? "granted" : "withdrawn"} for ${CHANNELS[event.channel] ?? event.channel} (purpose ${event.purposeId}, via ${event.source.replaceAll("_", " ")})`,
    links: contact(event.subjectId),
    about: contact(event.subjectId)[0],
  })),
]);
