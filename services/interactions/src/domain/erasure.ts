import type { InteractionFields } from "./interaction";
import type { Attendee } from "./interaction-details";
import type { TaskFields } from "./task";
import { foldText } from "@crm/kit";
import { PHONE_LIKE, phoneTail } from "./text-search";

/** What replaces a mention of an erased subject in free text. */
export const ERASED_MENTION = "[erased]";
/** Phone numbers written with fewer digits than this are not taken for the subject's. */
const MIN_PHONE_DIGITS = 7;

/** The subject of an erasure as this service can recognise it. */
export interface ErasureSubject {
  /** The subject's contact and every contact merged into it. */
  contactIds: ReadonlySet<string>;
  /** E-mail addresses, lower case. */
  emails: string[];
  /** Phone numbers, digits only. */
  phones: string[];
  /** Names it is known by here (as it attended meetings), longest first. */
  names: string[];
  /** Their parts of three letters or more ("Eve", "Example"): scrubbed only where the subject is linked. */
  nameParts: string[];
}

export type ErasureOutcome<F> = { outcome: "untouched" } | { outcome: "erase" } | { outcome: "anonymise"; fields: F };

/** Digits of a phone number without the leading zeros of a trunk prefix: "+44 (0)20 7946" and "020 7946" compare alike. */
const phoneDigits = (text: string) => text.replace(/\D/g, "").replace(/^0+/, "");

function samePhone(written: string, subjectPhones: string[]): boolean {
  const digits = phoneDigits(written);
  if (digits.length < MIN_PHONE_DIGITS) return false;
  return subjectPhones.map(phoneDigits).some((phone) => phone.endsWith(digits) || digits.endsWith(phone));
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The text with every mention of the subject replaced: its e-mail addresses, its phone numbers
 * in any common writing, and its names as whole words, ignoring case. In a record linked to the
 * subject, where any "Eve" is this Eve, the parts of its names go too.
 */
export function scrubText(text: string, subject: ErasureSubject, linked: boolean): string {
  let scrubbed = text;
  for (const email of subject.emails) scrubbed = scrubbed.replace(new RegExp(escapeRegex(email), "gi"), ERASED_MENTION);
  scrubbed = scrubbed.replace(PHONE_LIKE, (span) => (samePhone(span, subject.phones) ? ERASED_MENTION : span));
  for (const name of linked ? [...subject.names, ...subject.nameParts] : subject.names) {
    scrubbed = scrubbed.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(name)}(?![\\p{L}\\p{N}])`, "giu"), ERASED_MENTION);
  }
  return scrubbed;
}

/** The forms of the names the subject is known by: whole (longest first, so that they go before their parts), and their parts. */
function nameForms(names: string[]): Pick<ErasureSubject, "names" | "nameParts"> {
  const whole = [...new Set(names.map((name) => name.replace(/\s+/g, " ").trim()).filter((name) => name.length >= 3))].sort((a, b) => b.length - a.length);
  const parts = whole.flatMap((name) => name.split(/[\s,.'’-]+/)).filter((part) => part.length >= 3);
  return { names: whole, nameParts: [...new Set(parts)] };
}

/** The names the subject attended these interactions' meetings under. */
export function namesOfSubject(interactions: InteractionFields[], subject: Pick<ErasureSubject, "contactIds" | "emails">): string[] {
  return interactions.flatMap((interaction) =>
    interaction.details.kind === "meeting" ? interaction.details.attendees.filter((a) => isSubjectAttendee(a, subject)).map((a) => a.name) : [],
  );
}

const isSubjectAttendee = (attendee: Attendee, subject: Pick<ErasureSubject, "contactIds" | "emails">) =>
  subject.contactIds.has(attendee.contactId) || (attendee.email !== "" && subject.emails.includes(attendee.email));

/**
 * What erasure does to an interaction: one that involves only the subject is erased whole; one
 * shared with others loses the subject (its link, its attendance, its addresses and handle) and
 * every mention of it in free text; any other is left alone unless its text mentions the subject.
 */
export function eraseFromInteraction(fields: InteractionFields, subject: ErasureSubject): ErasureOutcome<InteractionFields> {
  const contactIds = fields.contactIds.filter((id) => !subject.contactIds.has(id));
  if (contactIds.length === 0) return { outcome: "erase" };
  const linked = contactIds.length < fields.contactIds.length;
  const details = fields.details;
  let erasedDetails = details;
  if (details.kind === "meeting") {
    erasedDetails = { ...details, attendees: details.attendees.filter((a) => !isSubjectAttendee(a, subject)) };
  } else if (details.kind === "email") {
    const isSubject = (address: string) => subject.emails.includes(address);
    erasedDetails = { ...details, fromAddress: isSubject(details.fromAddress) ? "" : details.fromAddress, toAddresses: details.toAddresses.filter((a) => !isSubject(a)) };
  } else if (details.kind === "message") {
    const handle = details.handle;
    const isSubject = subject.emails.includes(handle.toLowerCase()) || samePhone(handle, subject.phones);
    erasedDetails = { ...details, handle: isSubject ? "" : handle };
  }
  const anonymised: InteractionFields = {
    ...fields,
    contactIds,
    subject: scrubText(fields.subject, subject, linked),
    body: scrubText(fields.body, subject, linked),
    details: erasedDetails,
  };
  return JSON.stringify(anonymised) === JSON.stringify(fields) ? { outcome: "untouched" } : { outcome: "anonymise", fields: anonymised };
}

/**
 * What erasure does to a task: it stays (it is its assignee's work), without its links to the
 * subject or mentions of it.
 */
export function eraseFromTask(fields: TaskFields, subject: ErasureSubject): ErasureOutcome<TaskFields> {
  const links = fields.links.filter((link) => link.type !== "contact" || !subject.contactIds.has(link.id));
  const linked = links.length < fields.links.length;
  const anonymised: TaskFields = { ...fields, links, title: scrubText(fields.title, subject, linked), notes: scrubText(fields.notes, subject, linked) };
  return JSON.stringify(anonymised) === JSON.stringify(fields) ? { outcome: "untouched" } : { outcome: "anonymise", fields: anonymised };
}

/** The subject as erasure compares it: contacts, e-mail addresses in lower case, phones as digits, name forms. */
export function erasureSubject(contactIds: Iterable<string>, emails: string[], phones: string[], names: string[] = []): ErasureSubject {
  return {
    contactIds: new Set(contactIds),
    emails: [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))],
    phones: [...new Set(phones.map((p) => p.replace(/\D/g, "")).filter((p) => p.length >= MIN_PHONE_DIGITS))],
    ...nameForms(names),
  };
}

/** Search words that find candidates mentioning the subject's addresses or phones (then checked whole). */
export function subjectSearchWords(subject: ErasureSubject): string[][] {
  return [...subject.emails.map((email) => foldText(email).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2)), ...subject.phones.map((phone) => [phoneTail(phone)])];
}
