import type { InteractionFields } from "./interaction";

const MAX_SUMMARY = 200;

/**
 * One line for a timeline or a contact's "last interaction": what happened, in which direction,
 * and the subject line. Built from structured fields and the subject only, never from the body,
 * since it travels in events.
 */
export function interactionSummary(fields: Pick<InteractionFields, "subject" | "details">): string {
  const details = fields.details;
  const written = fields.subject.replace(/\s+/g, " ").trim();
  const subject = written || (details.kind === "web_visit" ? pageOf(details.pageTitle, details.pageUrl) : "");
  return clip(subject ? `${headline(fields.details)}: ${subject}` : headline(fields.details));
}

function headline(details: InteractionFields["details"]): string {
  switch (details.kind) {
    case "call": {
      const minutes = details.durationSeconds > 0 ? `, ${Math.max(1, Math.round(details.durationSeconds / 60))} min` : "";
      const outcome = details.outcome ? `, ${details.outcome.replace("_", " ")}` : "";
      return `${capitalise(details.direction)} call${minutes}${outcome}`;
    }
    case "email":
      return details.direction === "inbound" ? "E-mail received" : "E-mail sent";
    case "meeting":
      return details.attendees.length > 0 ? `Meeting with ${details.attendees.length} attendee${details.attendees.length === 1 ? "" : "s"}` : "Meeting";
    case "note":
      return "Note";
    case "message": {
      const channel = details.channel === "social" ? `${capitalise(details.network)} message` : details.channel === "sms" ? "SMS" : "Chat message";
      return `${channel} ${details.direction === "inbound" ? "received" : "sent"}`;
    }
    case "web_visit":
      return details.campaign ? `Web visit (campaign ${details.campaign})` : "Web visit";
  }
}

/** A web visit without a subject is summarised by its page: its title, or its path. */
function pageOf(pageTitle: string, pageUrl: string): string {
  if (pageTitle) return pageTitle;
  try {
    return new URL(pageUrl).pathname;
  } catch {
    return pageUrl;
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const clip = (text: string) => (text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text);

export function taskSummary(task: { title: string; status: string }): string {
  return clip(task.status === "completed" ? `Task completed: ${task.title}` : `Task: ${task.title}`);
}
