import type { AddressAgreement, DateAgreement, IdentifierAgreement, NameAgreement } from "./comparisons";

/**
 * Fellegi–Sunter agreement weights, in bits: log2(m / u), where m is how often a field compares
 * this way for two records of one person (typos, moves and missing data included) and u how often
 * it does for two different people. They are set from what is known of person data, not trained:
 * u of a birthday is about one day in 60 years, u of a name is how common the name is. The weights
 * of all fields add up; the sum says how many times likelier "same person" is than not.
 */
const bits = (m: number, u: number) => Math.log2(m / u);

/**
 * How many people the records of a tenant stand for, to turn a count into a frequency: a name
 * held by `count` records has u = count / POPULATION. A fixed figure (not the tenant's size) on
 * purpose: what makes a shared name telling is how few others share it, and a prior fixed with
 * it keeps the threshold meaning the same in small and large tenants.
 */
const POPULATION = 10_000;
/** Added to counts, so that a name seen once in a small tenant is not taken to be unique in the world. */
const PSEUDO_COUNT = 5;
/** Records of different people at one address that share a family name: a household's relatives. */
const HOUSEHOLD_NAMESAKES = 1.5;

/** An exact name part, weighed by how many records hold it: "White" shared by 256 says little. */
export function exactNameWeight(count: number): number {
  return Math.max(0, bits(0.85, (count + PSEUDO_COUNT) / POPULATION));
}

export const GIVEN_NAME_WEIGHTS: Record<Exclude<NameAgreement, "exact">, number> = {
  nickname: bits(0.04, 0.0003),
  similar: bits(0.08, 0.001),
  initial: 2,
  // Given names that are nothing alike are rare for one person and the rule for two.
  different: bits(0.02, 0.98),
  missing: 0,
};

export const FAMILY_NAME_WEIGHTS: Record<Exclude<NameAgreement, "exact">, number> = {
  nickname: bits(0.1, 0.001),
  similar: bits(0.1, 0.001),
  initial: 1,
  // Family names change on marriage more often than given names change at all.
  different: bits(0.04, 0.99),
  missing: 0,
};

/** Given and family names in each other's place: an entry error, rarer than either in its place. */
export const SWAPPED_NAMES_WEIGHT = -1;

export const BIRTHDAY_WEIGHTS: Record<DateAgreement, number> = {
  exact: bits(0.9, 1 / (365 * 60)),
  "day-and-month": bits(0.9, 1 / 365),
  transposed: bits(0.04, 2e-4),
  partial: bits(0.04, 5e-3),
  different: bits(0.02, 0.99),
  missing: 0,
};

export const ADDRESS_WEIGHTS: Record<AddressAgreement, number> = {
  "same address": bits(0.7, 2e-5),
  "same street, transposed postcode": bits(0.03, 1e-5),
  "same postcode": bits(0.7, 1e-3),
  "same street": bits(0.7, 1e-4),
  "same postcode, different street": bits(0.03, 1e-3),
  "transposed postcode": bits(0.02, 2e-4),
  // People move: a different address says little against a match.
  different: bits(0.15, 0.99),
  missing: 0,
};

/**
 * At the address of a namesake, two records with given names that differ are likely relatives:
 * given the family name agrees, the chance that two different people share the address is about
 * HOUSEHOLD_NAMESAKES in the name's holders, not the chance for any two people.
 */
export function householdAddressCap(familyCount: number): number {
  return Math.max(0, Math.log2((familyCount + PSEUDO_COUNT) / HOUSEHOLD_NAMESAKES));
}

/**
 * A shared e-mail address or phone number: one person's, so decisive on its own (u of 1e-10: it
 * outweighs a name that differs entirely, as when a name changed), unless many records hold it
 * (a shared mailbox, a switchboard): each doubling of its holders takes a bit off.
 */
export function sharedIdentifierWeight(holders: number): number {
  return bits(0.5, 1e-10) - Math.log2(Math.max(1, holders - 1));
}

export const IDENTIFIER_WEIGHTS: Record<Exclude<IdentifierAgreement, "same">, number> = {
  // People have several addresses and numbers: different ones say little.
  different: bits(0.5, 0.99),
  missing: 0,
};

export const ORGANIZATION_WEIGHTS: Record<IdentifierAgreement, number> = {
  same: bits(0.7, 0.005),
  different: bits(0.3, 0.9),
  missing: 0,
};

/**
 * The total weight from which a pair is a strong match (score 0.9). It follows from the prior:
 * among POPULATION records about one in three has a duplicate, so the odds that two records
 * picked at random are one person are about 1 in 30 000 (-14.8 bits); 0.9 is odds of 9 (+3.2).
 */
export const STRONG_MATCH_BITS = 18;

/**
 * Maps a total weight to 0..1, the one place where bits become a score: the probability of a
 * match under prior odds chosen so that STRONG_MATCH_BITS is 0.9 (and 3.17 bits less, 0.5).
 * Three decimals: more would only show noise.
 */
export function scoreOf(totalBits: number): number {
  const logOdds = totalBits - STRONG_MATCH_BITS + Math.log2(9);
  return Math.round(1000 / (1 + 2 ** -logOdds)) / 1000;
}
