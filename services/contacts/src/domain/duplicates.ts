import type { ContactFields } from "./contact";
import { areNicknames } from "./nicknames";
import { fold } from "./normalise";
import { jaroWinkler } from "./similarity";

/** A duplicate candidate and why it is one. */
export interface Candidate {
  id: string;
  displayName: string;
  score: number;
  reasons: string[];
}

/** From this score up a create is refused unless the caller insists. */
export const STRONG_MATCH = 0.9;
/** Below this score a record is not worth showing as a candidate. */
export const WEAK_MATCH = 0.5;

type Matchable = Pick<ContactFields, "givenName" | "familyName" | "emails" | "phones" | "addresses" | "organizations" | "externalId">;

/**
 * Keys that group records which might be the same person. A look-up by these keys finds the
 * candidates; scoring then decides. Exact identifiers are keys of their own; names are keyed
 * loosely (family name, its letters in order, and family name or initial at each organisation),
 * so that typos, transpositions and nicknames still meet.
 */
export function contactMatchKeys(contact: Matchable): { identity: string[]; similarity: string[] } {
  const identity = [
    ...contact.emails.map((e) => `email:${e.address}`),
    ...contact.phones.map((p) => `phone:${p.number}`),
    ...(contact.externalId ? [`ext:${contact.externalId}`] : []),
  ];
  const family = compact(contact.familyName);
  const given = compact(contact.givenName);
  const similarity = family
    ? [
        `family:${family}`,
        `letters:${[...family].sort().join("")}`,
        // Narrower keys that stay small where a family name is common: the same family name, or
        // the same initial, at one organisation.
        ...contact.organizations.flatMap((o) => [`family-at:${o.organizationId}:${family}`, `given-at:${o.organizationId}:${given.slice(0, 1)}`]),
      ]
    : [];
  return { identity, similarity: [...new Set(similarity)] };
}

/** Scores how likely `other` is the same person as `subject`, with the reasons. */
export function scoreContact(subject: Matchable, other: Matchable & { id: string; displayName: string }): Candidate {
  const reasons: string[] = [];
  let score = 0;
  const raise = (value: number, reason: string) => {
    score = Math.max(score, value);
    reasons.push(reason);
  };
  const emails = new Set(subject.emails.map((e) => e.address));
  if (other.emails.some((e) => emails.has(e.address))) raise(1, "same e-mail");
  const phones = new Set(subject.phones.map((p) => p.number));
  if (other.phones.some((p) => phones.has(p.number))) raise(0.95, "same phone");
  if (subject.externalId && subject.externalId === other.externalId) raise(1, "same external id");

  const names = nameSimilarity(subject, other);
  if (names > 0) {
    const organizations = new Set(subject.organizations.map((o) => o.organizationId));
    const sameOrganization = other.organizations.some((o) => organizations.has(o.organizationId));
    const sameAddress = subject.addresses.some((a) => other.addresses.some((b) => sameAddress_(a, b)));
    const context = sameOrganization ? "at the same organisation" : sameAddress ? "at the same address" : "";
    const kind = names === 1 ? "same name" : "similar name";
    if (context) raise(names === 1 ? 0.95 : 0.9, `${kind} ${context}`);
    else raise(names === 1 ? 0.7 : 0.55, kind);
  }
  return { id: other.id, displayName: other.displayName, score, reasons };
}

/**
 * 1 for the same name, a value in (0, 1) for a similar one (accents, typos, transpositions,
 * nicknames, initials), 0 otherwise. Both family names must be present.
 */
export function nameSimilarity(a: Pick<ContactFields, "givenName" | "familyName">, b: Pick<ContactFields, "givenName" | "familyName">): number {
  const familyA = compact(a.familyName);
  const familyB = compact(b.familyName);
  if (!familyA || !familyB) return 0;
  const family = jaroWinkler(familyA, familyB);
  if (family < 0.9) return 0;
  const given = givenSimilarity(fold(a.givenName).split(" ")[0] ?? "", fold(b.givenName).split(" ")[0] ?? "");
  if (given === 0) return 0;
  return family === 1 && given === 1 ? 1 : Math.min(0.99, family * given);
}

function givenSimilarity(a: string, b: string): number {
  const plainA = a.replace(/\.$/, "");
  const plainB = b.replace(/\.$/, "");
  if (!plainA || !plainB) return 0;
  if (plainA === plainB) return 1;
  if (areNicknames(plainA, plainB)) return 0.95;
  // An initial ("J." or "J") matches a name with that first letter.
  if ((plainA.length === 1 || plainB.length === 1) && plainA[0] === plainB[0]) return 0.9;
  const similarity = jaroWinkler(plainA, plainB);
  return similarity >= 0.88 ? similarity : 0;
}

function sameAddress_(a: ContactFields["addresses"][number], b: ContactFields["addresses"][number]): boolean {
  if (!a.country || a.country !== b.country) return false;
  const postal = (value: string) => value.replace(/\s/g, "");
  if (a.postalCode && postal(a.postalCode) === postal(b.postalCode)) return true;
  return Boolean(a.lines[0] && a.city && fold(a.city) === fold(b.city) && fold(a.lines[0]) === fold(b.lines[0] ?? ""));
}

/** Letters and digits only, folded: "O'Brien-Smith" -> "obriensmith". */
function compact(name: string): string {
  return fold(name).replace(/[^\p{L}\p{N}]/gu, "");
}

/** The candidates worth showing, best first. */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  return candidates.filter((c) => c.score >= WEAK_MATCH).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

const LEGAL_SUFFIXES = /\b(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|plc|gmbh|ag|sa|sas|sarl|bv|nv|oy|ab|as|spa|srl|sp z o o|spzoo|kk|pty)\b\.?/g;

/** An organisation name without legal form or punctuation: "ACME, Inc." -> "acme". */
export function organizationNameKey(name: string): string {
  return fold(name).replace(/[.,&]/g, " ").replace(/\s+/g, " ").replace(LEGAL_SUFFIXES, " ").replace(/[^\p{L}\p{N}]+/gu, "");
}

export function organizationMatchKeys(organization: { name: string; domain: string; externalId: string }): { identity: string[]; similarity: string[] } {
  const nameKey = organizationNameKey(organization.name);
  return {
    identity: [...(organization.domain ? [`domain:${organization.domain}`] : []), ...(organization.externalId ? [`ext:${organization.externalId}`] : [])],
    similarity: nameKey ? [`orgname:${nameKey}`, `orgletters:${[...nameKey].sort().join("")}`] : [],
  };
}

export function scoreOrganization(
  subject: { name: string; domain: string; externalId: string },
  other: { id: string; name: string; domain: string; externalId: string },
): Candidate {
  const reasons: string[] = [];
  let score = 0;
  const raise = (value: number, reason: string) => {
    score = Math.max(score, value);
    reasons.push(reason);
  };
  if (subject.domain && subject.domain === other.domain) raise(1, "same domain");
  if (subject.externalId && subject.externalId === other.externalId) raise(1, "same external id");
  const a = organizationNameKey(subject.name);
  const b = organizationNameKey(other.name);
  if (a && a === b) raise(0.9, "same name");
  else if (a && b && jaroWinkler(a, b) >= 0.93) raise(0.6, "similar name");
  return { id: other.id, displayName: other.name, score, reasons };
}
