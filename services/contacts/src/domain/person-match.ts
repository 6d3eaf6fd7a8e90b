import { emailKey, nameValueKey, phoneKey } from "./blocking";
import { compareAddresses, compareBirthdays, compareIdentifiers, compareNamePart, type Matchable, type NameAgreement } from "./comparisons";
import type { Candidate, FieldEvidence } from "./duplicates";
import {
  ADDRESS_WEIGHTS, BIRTHDAY_WEIGHTS, exactNameWeight, FAMILY_NAME_WEIGHTS, GIVEN_NAME_WEIGHTS, householdAddressCap, IDENTIFIER_WEIGHTS,
  ORGANIZATION_WEIGHTS, scoreOf, sharedIdentifierWeight, SWAPPED_NAMES_WEIGHT,
} from "./match-weights";
import { personName } from "./person-name";

/**
 * How many records hold a match key (blocking.ts), the subject included: the frequency of a
 * name or an identifier. Unknown keys count 1.
 */
export type KeyCounts = (key: string) => number;

/**
 * Scores how likely `other` is the same person as `subject`: each field compared, weighed
 * (match-weights.ts) and added up; the evidence lists every field that was compared.
 * Symmetric but for frequencies, which are read for the subject's values.
 */
export function scoreContact(subject: Matchable, other: Matchable & { id: string; displayName: string }, counts: KeyCounts = () => 1): Candidate {
  const evidence: FieldEvidence[] = [];
  const reasons: string[] = [];
  const add = (field: string, comparison: string, weight: number, reason?: string) => {
    evidence.push({ field, comparison, weight: Math.round(weight * 10) / 10 });
    if (reason && weight > 0) reasons.push(reason);
  };

  const sameExternalId = Boolean(subject.externalId) && subject.externalId === other.externalId;
  if (sameExternalId) add("externalId", "same", sharedIdentifierWeight(2), "same external id");
  const emails = compareIdentifiers(subject.emails.map((e) => e.address), other.emails.map((e) => e.address));
  const emailHolders = Math.min(...emails.shared.map((address) => counts(emailKey(address))));
  add("email", emails.agreement, emails.agreement === "same" ? sharedIdentifierWeight(emailHolders) : IDENTIFIER_WEIGHTS[emails.agreement], "same e-mail");
  const phones = compareIdentifiers(subject.phones.map((p) => p.number), other.phones.map((p) => p.number));
  const phoneHolders = Math.min(...phones.shared.map((number) => counts(phoneKey(number))));
  add("phone", phones.agreement, phones.agreement === "same" ? sharedIdentifierWeight(phoneHolders) : IDENTIFIER_WEIGHTS[phones.agreement], "same phone");

  const names = compareNames(subject, other, counts);
  add("givenName", names.given.agreement, names.given.weight);
  add("familyName", names.family.agreement, names.family.weight);
  if (names.swapped) add("nameOrder", "swapped", SWAPPED_NAMES_WEIGHT);
  const nameWeight = names.weight;
  const sameName = names.given.agreement === "exact" && names.family.agreement === "exact";
  if (nameWeight > 0) reasons.push(`${sameName ? "same" : "similar"} name${names.swapped ? ", given and family swapped" : ""}`);

  const organizations = compareIdentifiers(subject.organizations.map((o) => o.organizationId), other.organizations.map((o) => o.organizationId));
  add("organization", organizations.agreement, ORGANIZATION_WEIGHTS[organizations.agreement], "same organisation");
  const birthday = compareBirthdays(subject.birthday, other.birthday);
  add("birthday", birthday, BIRTHDAY_WEIGHTS[birthday], birthday === "exact" || birthday === "day-and-month" ? "same birthday" : "similar birthday");
  const address = compareAddresses(subject.addresses, other.addresses);
  const addressWeight = names.sharedPartCount === undefined ? ADDRESS_WEIGHTS[address] : Math.min(ADDRESS_WEIGHTS[address], householdAddressCap(names.sharedPartCount));
  add("address", address, addressWeight, address.startsWith("same") && address !== "same street, transposed postcode" ? address : "similar address");

  const total = evidence.reduce((sum, e) => sum + e.weight, 0);
  return {
    id: other.id,
    externalId: other.externalId,
    displayName: other.displayName,
    // External ids are unique by rule, not by likelihood.
    score: sameExternalId ? 1 : scoreOf(total),
    reasons,
    evidence,
  };
}

interface PartComparison {
  agreement: NameAgreement;
  weight: number;
}

/**
 * Given with given and family with family, or crossed over when that agrees better even after
 * the cost of a swap ("White Chloe" for "Chloe White"). Evidence is named after the subject's
 * parts. `sharedPartCount` is set when one part agrees and the other does not (relatives share a
 * family name, and in a swapped record either part may be it): the holders of the agreeing part.
 */
function compareNames(subject: Matchable, other: Matchable, counts: KeyCounts) {
  const a = personName(subject);
  const b = personName(other);
  const givenCount = counts(nameValueKey(a.given));
  const familyCount = counts(nameValueKey(a.family));
  const arrange = (otherGiven: string, otherFamily: string, swapped: boolean) => {
    const given = part(compareNamePart(a.given, otherGiven, "given"), GIVEN_NAME_WEIGHTS, givenCount);
    const family = part(compareNamePart(a.family, otherFamily, "family"), FAMILY_NAME_WEIGHTS, familyCount);
    const agrees = (p: PartComparison) => p.agreement === "exact" || p.agreement === "similar";
    // A look-alike ("Mary", "Marie") is more often a typo than a relative: only names that differ are.
    const differs = (p: PartComparison) => !["exact", "nickname", "similar"].includes(p.agreement);
    const sharedPartCount = agrees(family) && differs(given) ? familyCount : swapped && agrees(given) && differs(family) ? givenCount : undefined;
    const weight = given.weight + family.weight + (swapped ? SWAPPED_NAMES_WEIGHT : 0);
    return { given, family, swapped, sharedPartCount, weight };
  };
  const straight = arrange(b.given, b.family, false);
  if (straight.given.agreement === "exact" && straight.family.agreement === "exact") return straight;
  const crossed = arrange(b.family, b.given, true);
  return crossed.weight > straight.weight ? crossed : straight;
}

function part(agreement: NameAgreement, weights: Record<Exclude<NameAgreement, "exact">, number>, count: number): PartComparison {
  return { agreement, weight: agreement === "exact" ? exactNameWeight(count) : weights[agreement] };
}
