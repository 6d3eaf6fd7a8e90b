import type { InteractionFields } from "./interaction";
import type { Attendee } from "./interaction-details";
import type { TaskFields } from "./task";
import { foldText, PHONE_LIKE, phoneTail } from "./text-search";

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
 * in any common writing, and the names given (whole words, ignoring case).
 */
export function scrubText(text: string, subject: ErasureSubject, names: string[] = []): string {
  let scrubbed = text;
  for (const email of subject.emails) scrubbed = scrubbed.replace(new RegExp(escapeRegex(email), "gi"), ERASED_MENTION);
  scrubbed = scrubbed.replace(PHONE_LIKE, (span) => (samePhone(span, subject.phones) ? ERASED_MENTION : span));
  for (const name of names.filter((n) => n.trim().length >= 2)) {
    scrubbed = scrubbed.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(name.trim())}(?![\\p{L}\\p{N}])`, "giu"), ERASED_MENTION);
  }
  return scrubbed;
}

/** Whether a text mentions the subject's e-mail addresses or phone numbers. */
export function mentionsSubject(text: string, subject: ErasureSubject): boolean {
  return scrubText(text, subject) !== text;
}

const isSubjectAttendee = (attendee: Attendee, subject: ErasureSubject) =>
  subject.contactIds.has(attendee.contactId) || (attendee.email !== "" && subject.emails.includes(attendee.email));

/**
 * What erasure does to an interaction: one that involves only the subject is erased whole; one
 * shared with others loses the subject (its link, its attendance, its addresses and handle) and
 * every mention of it in free text, including the names it attended under; any other is left
 * alone unless its text mentions the subject's e-mail addresses or phones.
 */
export function eraseFromInteraction(fields: InteractionFields, subject: ErasureSubject): ErasureOutcome<InteractionFields> {
  const contactIds = fields.contactIds.filter((id) => !subject.contactIds.has(id));
  if (contactIds.length === 0) return { outcome: "erase" };
  const details = fields.details;
  const names: string[] = [];
  let erasedDetails = details;
  if (details.kind === "meeting") {
    names.push(...details.attendees.filter((a) => isSubjectAttendee(a, subject)).map((a) => a.name));
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
    subject: scrubText(fields.subject, subject, names),
    body: scrubText(fields.body, subject, names),
    details: erasedDetails,
  };
  return JSON.stringify(anonymised) === JSON.stringify(fields) ? { outcome: "untouched" } : { outcome: "anonymise", fields: anonymised };
}

/**
 * What erasure does to a task: it stays (it is its assignee's work), without its links to the
 * subject or mentions of it.
 */
export function eraseFromTask(fields: TaskFields, subject: ErasureSubject): ErasureOutcome<TaskFields> {
  const anonymised: TaskFields = {
    ...fields,
    links: fields.links.filter((link) => link.type !== "contact" || !subject.contactIds.has(link.id)),
    title: scrubText(fields.title, subject),
    notes: scrubText(fields.notes, subject),
  };
  return JSON.stringify(anonymised) === JSON.stringify(fields) ? { outcome: "untouched" } : { outcome: "anonymise", fields: anonymised };
}

/** The subject's e-mail addresses and phones as erasure compares them. */
export function erasureSubject(contactIds: Iterable<string>, emails: string[], phones: string[]): ErasureSubject {
  return {
    contactIds: new Set(contactIds),
    emails: [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))],
    phones: [...new Set(phones.map((p) => p.replace(/\D/g, "")).filter((p) => p.length >= MIN_PHONE_DIGITS))],
  };
}

/** Search words that find candidates mentioning the subject's addresses or phones (then checked whole). */
export function subjectSearchWords(subject: ErasureSubject): string[][] {
  return [...subject.emails.map((email) => foldText(email).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2)), ...subject.phones.map((phone) => [phoneTail(phone)])];
}
