import { foldText, ValidationError } from "@crm/kit";

const MIN_PREFIX = 2;
/** Longest prefix stored; longer query words are cut to it. */
const MAX_PREFIX = 16;
/**
 * Distinct words of one record that are indexed, in order of appearance: a long e-mail body is
 * found by its first few hundred distinct words, which keeps each record's index entries bounded.
 */
const MAX_INDEXED_WORDS = 300;
const MAX_QUERY_WORDS = 8;
const MAX_QUERY_LENGTH = 200;

/** Digits written as a phone number: "+48 601-234-567", "(216) 433 4000". */
export const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;

/** The last digits of a phone number, which its national and international writings share. */
export const phoneTail = (digits: string): string => digits.slice(-7);

/**
 * The words a text is found by: its letters-and-digits runs, folded, and each phone number it
 * holds as one run of digits (so that "+48 601 234 567" is found by "48601234567") and by its
 * last seven digits (which national and international writings of a number share).
 */
export function textWords(text: string): string[] {
  const folded = foldText(text);
  const words = folded.split(/[^\p{L}\p{N}]+/u);
  const phones = (folded.match(PHONE_LIKE) ?? []).map((phone) => phone.replace(/\D/g, "")).flatMap((digits) => [digits, phoneTail(digits)]);
  return [...words, ...phones].filter((word) => word.length >= MIN_PREFIX);
}

/**
 * The prefixes stored for some texts, so that a search is an index look-up per query word instead
 * of a scan with a regular expression: "Negotiation" is found by "ne", "neg", ... "negotiation".
 */
export function searchTokens(texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of textWords(text)) {
      if (words.size >= MAX_INDEXED_WORDS) break;
      words.add(word.slice(0, MAX_PREFIX));
    }
  }
  const tokens = new Set<string>();
  for (const word of words) {
    for (let length = MIN_PREFIX; length <= word.length; length++) tokens.add(word.slice(0, length));
  }
  return [...tokens];
}

/** The tokens every result must carry, from what a user typed; none for an empty search. */
export function searchQueryTokens(search: string): string[] {
  const trimmed = search.trim();
  if (!trimmed) return [];
  if (trimmed.length > MAX_QUERY_LENGTH) throw ValidationError.field("search", `must be at most ${MAX_QUERY_LENGTH} characters`);
  const words = [...new Set(textWords(trimmed).map((word) => word.slice(0, MAX_PREFIX)))];
  if (words.length === 0) throw ValidationError.field("search", `needs a word of at least ${MIN_PREFIX} letters or digits`);
  if (words.length > MAX_QUERY_WORDS) throw ValidationError.field("search", `takes at most ${MAX_QUERY_WORDS} words`);
  return words;
}
