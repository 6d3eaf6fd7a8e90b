import { escapeRegex } from "@crm/kit";
import type { Ticket } from "./ticket";

/** Who is erased: the contacts (the subject and those merged into it) and what identifies them in text. */
export interface ErasureSubject {
  contactIds: string[];
  emails: string[];
  phones: string[];
  /** Names the subject was known by here (requester names of its tickets). */
  names: string[];
}

export const ERASED = "[erased]";

/** Text with every mention of the subject (e-mails, phones as written or as digits, names of 3+ letters) replaced. */
export function redact(text: string, subject: ErasureSubject): string {
  const needles = [...subject.emails, ...subject.phones, ...subject.phones.map((phone) => phone.replace(/[^0-9+]/g, "")), ...subject.names]
    .map((needle) => needle.trim())
    .filter((needle) => needle.length >= 3);
  if (needles.length === 0 || !text) return text;
  const pattern = new RegExp([...new Set(needles)].sort((a, b) => b.length - a.length).map(escapeRegex).join("|"), "gi");
  return text.replace(pattern, ERASED);
}

/** Whether the ticket's requester is the subject. */
export function requestedBy(ticket: Pick<Ticket, "requesterId" | "requesterEmail" | "requesterPhone">, subject: ErasureSubject): boolean {
  return (
    (ticket.requesterId !== "" && subject.contactIds.includes(ticket.requesterId)) ||
    (ticket.requesterEmail !== "" && subject.emails.map((email) => email.toLowerCase()).includes(ticket.requesterEmail.toLowerCase())) ||
    (ticket.requesterPhone !== "" && subject.phones.some((phone) => digits(phone) === digits(ticket.requesterPhone)))
  );
}

const digits = (phone: string) => phone.replace(/\D/g, "");

/**
 * A ticket without the subject: when they asked it, the requester's details go and their own
 * messages are erased; in any ticket, free text naming them (subject, description, comments,
 * the history's values) is redacted. Status, priority, times and SLA clocks stay for metrics.
 * Undefined when the ticket does not concern the subject.
 */
export function anonymiseTicket(ticket: Ticket, subject: ErasureSubject): Ticket | undefined {
  const theirs = requestedBy(ticket, subject);
  const clean = (text: string) => redact(text, subject);
  const idGone = (value: string) => (subject.contactIds.includes(value) ? ERASED : clean(value));
  const next: Ticket = {
    ...ticket,
    ...(theirs ? { requesterId: "", requesterName: "", requesterEmail: "", requesterPhone: "" } : {}),
    subject: clean(ticket.subject),
    description: clean(ticket.description),
    comments: ticket.comments.map((comment) => ({ ...comment, body: theirs && comment.fromRequester ? ERASED : clean(comment.body) })),
    history: ticket.history.map((entry) => ({ ...entry, note: clean(entry.note), changes: entry.changes.map((change) => ({ ...change, from: idGone(change.from), to: idGone(change.to) })) })),
  };
  const changed = theirs || JSON.stringify([next.subject, next.description, next.comments, next.history]) !== JSON.stringify([ticket.subject, ticket.description, ticket.comments, ticket.history]);
  return changed ? next : undefined;
}
