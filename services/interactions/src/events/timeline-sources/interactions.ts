import { eventsV1 } from "@crm/proto";
import type { TimelineFact } from "../../domain/timeline";
import { INTERACTION_EVENTS, TASK_EVENTS } from "../subjects";
import { contact, link, timelineEvent, timelineSource } from "./source";

const interaction = link("interaction");

/** An interaction's entry: one per interaction, at the time it happened, replaced by each newer version. */
function interactionFact(event: eventsV1.InteractionLogged | eventsV1.InteractionUpdated, loggedAt: Date): TimelineFact {
  return {
    kind: event.kind,
    occurredAt: event.occurTime ?? loggedAt,
    summary: event.summary ?? "",
    links: [...event.contactIds.flatMap(contact), ...link("organization")(event.organizationId), ...link("deal")(event.dealId ?? ""), ...link("ticket")(event.ticketId ?? "")],
    about: interaction(event.interactionId)[0],
    // Events from before versions were published count as the first.
    record: { id: event.interactionId, version: Math.max(1, event.version ?? 1) },
  };
}

/** This service's own records on timelines: interactions as they are logged, edited and deleted; tasks completed. */
export const interactionsTimeline = timelineSource("interactions", [
  timelineEvent(INTERACTION_EVENTS.logged.subject, eventsV1.InteractionLogged, interactionFact),
  timelineEvent(INTERACTION_EVENTS.updated.subject, eventsV1.InteractionUpdated, interactionFact),
  timelineEvent(INTERACTION_EVENTS.deleted.subject, eventsV1.InteractionDeleted, (event, occurredAt) => ({
    kind: "interaction.deleted",
    occurredAt,
    summary: "",
    links: [],
    record: { id: event.interactionId, version: event.version, removed: true },
  })),
  timelineEvent(TASK_EVENTS.completed.subject, eventsV1.TaskChanged, (event, occurredAt) => ({
    kind: "task.completed",
    occurredAt,
    summary: `Task completed: ${event.title}`,
    links: event.links.map(({ type, id }) => ({ type, id })),
    about: link("task")(event.taskId)[0],
  })),
]);
