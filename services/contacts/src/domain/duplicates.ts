import { fold } from "./normalise";
import { jaroWinkler } from "./similarity";

/** One field's part in a duplicate score: how it compared and what that weighed, in bits. */
export interface FieldEvidence {
  field: string;
  comparison: string;
  weight: number;
}

/** A duplicate candidate and why it is one. */
export interface Candidate {
  id: string;
  /** The candidate's id in the system it came from, to find it there. */
  externalId: string;
  displayName: string;
  score: number;
  reasons: string[];
  /** Each field compared (contacts; organisations give reasons only). */
  evidence: FieldEvidence[];
}

/** From this score up a create is refused unless the caller insists (match-weights.ts maps weights to scores). */
export const STRONG_MATCH = 0.9;
/**
 * Below this score a record is not worth showing as a candidate. Low on purpose: find-duplicates
 * is a list for a person to review, and a one-in-five chance is worth a look.
 */
export const WEAK_MATCH = 0.2;

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
  return { id: other.id, externalId: other.externalId, displayName: other.name, score, reasons, evidence: [] };
}
