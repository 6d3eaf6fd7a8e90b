import { ValidationError } from "@crm/kit";
import parsePhoneNumber from "libphonenumber-js/max";
import type { ContactFields } from "./contact";
import { fold } from "./normalise";

/** Longest prefix stored; longer query words are cut to it. */
export const MAX_PREFIX = 16;
const MIN_PREFIX = 2;
const MAX_QUERY_WORDS = 8;

/**
 * The prefixes a record can be found by. Stored in one indexed array, so that a search is an
 * index look-up per word instead of a scan with a regular expression: "Łukasz" is found by
 * "lu", "luk", ... "lukasz", "ŁUK" and "luka".
 */
export function searchTokens(words: string[]): string[] {
  const tokens = new Set<string>();
  for (const word of words) {
    for (let length = MIN_PREFIX; length <= Math.min(word.length, MAX_PREFIX); length++) tokens.add(word.slice(0, length));
  }
  return [...tokens];
}

/** Words of a contact: names, the parts of its e-mail addresses, phone digits, organisation names. */
export function contactSearchWords(contact: Pick<ContactFields, "givenName" | "familyName" | "displayName" | "emails" | "phones">, organizationNames: string[] = []): string[] {
  // E-mail addresses are split into words as queries are: a token holding "@" or "." could never
  // be asked for, yet would cost an index entry on every write.
  const words = [contact.givenName, contact.familyName, contact.displayName, ...organizationNames, ...contact.emails.map((e) => e.address)].flatMap(textWords);
  for (const { number } of contact.phones) words.push(...phoneWords(number));
  return [...new Set(words.filter((word) => word.length >= MIN_PREFIX))];
}

export function organizationSearchWords(organization: { name: string; domain: string }): string[] {
  return [...new Set([...textWords(organization.name), organization.domain, ...organization.domain.split(".")].filter((w) => w.length >= MIN_PREFIX))];
}

/** A phone is found by its international digits and by its national form, with or without the trunk 0. */
function phoneWords(e164: string): string[] {
  const parsed = parsePhoneNumber(e164);
  const national = parsed?.nationalNumber ?? "";
  const written = parsed?.formatNational().replace(/\D/g, "") ?? "";
  return [e164.slice(1), national, written].filter(Boolean);
}

function textWords(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The tokens every result must carry, from what a user typed. Text that looks like a phone
 * number is one digit string, so "+44 20 7946" finds +442079460958.
 */
export function searchQueryTokens(search: string): string[] {
  const trimmed = search.trim();
  if (!trimmed) return [];
  if (trimmed.length > 200) throw ValidationError.field("search", "must be at most 200 characters");
  const digits = trimmed.replace(/\D/g, "");
  const words = /^[+\d\s().-]+$/.test(trimmed) && digits.length >= MIN_PREFIX ? [digits] : textWords(trimmed);
  const usable = words.filter((word) => word.length >= MIN_PREFIX);
  if (usable.length === 0) throw ValidationError.field("search", `needs a word of at least ${MIN_PREFIX} characters`);
  if (usable.length > MAX_QUERY_WORDS) throw ValidationError.field("search", `takes at most ${MAX_QUERY_WORDS} words`);
  return [...new Set(usable.map((word) => word.slice(0, MAX_PREFIX)))];
}
