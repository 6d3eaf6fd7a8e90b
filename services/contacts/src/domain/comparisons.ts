import type { ContactFields, PostalAddress } from "./contact";
import { memoise } from "./memo";
import { areNicknames } from "./nicknames";
import { fold } from "./normalise";
import { nameSound } from "./phonetic";
import { jaroWinkler, withinOneEdit } from "./similarity";

/**
 * Field comparisons for duplicate scoring: each says how two values agree, in a few levels, and
 * nothing about how much that weighs (match-weights.ts does). A value missing on either side is
 * "missing": no evidence either way.
 */

export type NameAgreement = "exact" | "nickname" | "similar" | "initial" | "different" | "missing";

/** Two folded name parts: equal, a nickname of each other, a typo, OCR or phonetic variant, an initial, or different. */
export function compareNamePart(a: string, b: string, role: "given" | "family"): NameAgreement {
  if (!a || !b) return "missing";
  if (a === b) return "exact";
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? "initial" : "different";
  if (role === "given" && areNicknames(a, b)) return "nickname";
  return similarNames(a, b) ? "similar" : "different";
}

function similarNames(a: string, b: string): boolean {
  const similarity = jaroWinkler(a, b);
  if (similarity >= 0.9) return true;
  if (Math.min(a.length, b.length) >= 4 && withinOneEdit(a, b)) return true;
  if (ocrForm(a) === ocrForm(b)) return true;
  // Spelled as it sounds ("Cathryn", "Katherine"), but not every pair of short names that sound alike.
  return similarity >= 0.8 && nameSound(a) === nameSound(b);
}

/** Letter groups a scanner reads as one another ("rn" for "m", "cl" for "d", "0" for "o"), in one form. */
const ocrForm = memoise((name: string): string =>
  name.replace(/0/g, "o").replace(/1/g, "l").replace(/5/g, "s").replace(/rn/g, "m").replace(/li/g, "h").replace(/cl/g, "d").replace(/vv/g, "w").replace(/ii/g, "u").replace(/[il]/g, "l"),
);

export type DateAgreement = "exact" | "day-and-month" | "transposed" | "partial" | "different" | "missing";

/**
 * Two birthdays (YYYY-MM-DD, or --MM-DD without the year): equal; equal where both have a part
 * (one without its year); two digits swapped or day and month swapped; two of three parts equal;
 * or different.
 */
export function compareBirthdays(a: string, b: string): DateAgreement {
  if (!a || !b) return "missing";
  if (a === b) return a.startsWith("--") ? "day-and-month" : "exact";
  const [yearA, monthA, dayA] = dateParts(a);
  const [yearB, monthB, dayB] = dateParts(b);
  if (!yearA || !yearB) return monthA === monthB && dayA === dayB ? "day-and-month" : "different";
  if (transposed(a, b)) return "transposed";
  if (yearA === yearB && monthA === dayB && dayA === monthB) return "transposed";
  const equalParts = Number(yearA === yearB) + Number(monthA === monthB) + Number(dayA === dayB);
  return equalParts === 2 ? "partial" : "different";
}

/** Two neighbouring characters swapped ("1945-04-39" for "1945-04-93", "SW1A 1AA" for "SW1A A1A"). */
function transposed(a: string, b: string): boolean {
  return a.length === b.length && withinOneEdit(a, b) && [...a].sort().join("") === [...b].sort().join("");
}

function dateParts(value: string): [string, string, string] {
  const match = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(value);
  return match ? [match[1] === "-" ? "" : match[1]!, match[2]!, match[3]!] : ["", "", ""];
}

export type AddressAgreement =
  | "same address" | "same street, transposed postcode" | "same postcode" | "same street" | "same postcode, different street"
  | "transposed postcode" | "different" | "missing";

/** The best agreement between any address of one record and any of the other. */
export function compareAddresses(a: PostalAddress[], b: PostalAddress[]): AddressAgreement {
  let best: AddressAgreement = "missing";
  for (const x of a) for (const y of b) {
    const agreement = compareAddress(x, y);
    if (ADDRESS_ORDER.indexOf(agreement) < ADDRESS_ORDER.indexOf(best)) best = agreement;
  }
  return best;
}

const ADDRESS_ORDER: AddressAgreement[] = [
  "same address", "same street, transposed postcode", "same postcode", "same street", "same postcode, different street", "transposed postcode", "different", "missing",
];

function compareAddress(a: PostalAddress, b: PostalAddress): AddressAgreement {
  if (a.country && b.country && a.country !== b.country) return "different";
  const postcodeA = postcodeForm(a.postalCode);
  const postcodeB = postcodeForm(b.postalCode);
  const streetA = streetForm(a.lines[0] ?? "");
  const streetB = streetForm(b.lines[0] ?? "");
  const postcode = !postcodeA || !postcodeB ? "missing" : postcodeA === postcodeB ? "same" : transposed(postcodeA, postcodeB) ? "similar" : "different";
  const street = !streetA || !streetB ? "missing" : sameStreet(streetA, streetB) ? "same" : "different";
  const sameCity = a.city && b.city ? foldedCity(a.city) === foldedCity(b.city) : true;
  if (postcode === "same") return street === "same" ? "same address" : street === "missing" ? "same postcode" : "same postcode, different street";
  if (postcode === "similar") return street === "same" ? "same street, transposed postcode" : street === "missing" ? "transposed postcode" : "different";
  if (postcode === "missing" && street === "same" && sameCity) return "same street";
  if (postcode === "missing" && street === "missing") return a.city && b.city && !sameCity ? "different" : "missing";
  return "different";
}

export const foldedCity = memoise(fold);

export function postcodeForm(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

const STREET_WORDS: Record<string, string> = {
  st: "street", str: "street", rd: "road", ave: "avenue", av: "avenue", ln: "lane", dr: "drive", ct: "court", pl: "place",
  sq: "square", cl: "close", blvd: "boulevard", cres: "crescent", ul: "ulica", al: "aleja",
};

/** A street line in one form: folded, words spelled out ("12 High St." -> "12 high street"). */
export const streetForm = memoise((line: string): string =>
  fold(line).replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").filter(Boolean).map((word) => STREET_WORDS[word] ?? word).join(" "),
);

/** The same house number and the same street name, give or take a typo. */
function sameStreet(a: string, b: string): boolean {
  const numbers = (value: string) => value.match(/\d+/g)?.join(" ") ?? "";
  if (numbers(a) !== numbers(b)) return false;
  return a === b || jaroWinkler(a, b) >= 0.92 || withinOneEdit(a, b);
}

export type IdentifierAgreement = "same" | "different" | "missing";

/** Whether two lists of identifiers (e-mail addresses, phone numbers, organisation ids) share one. */
export function compareIdentifiers(a: string[], b: string[]): { agreement: IdentifierAgreement; shared: string[] } {
  if (a.length === 0 || b.length === 0) return { agreement: "missing", shared: [] };
  const set = new Set(a);
  const shared = b.filter((value) => set.has(value));
  return { agreement: shared.length > 0 ? "same" : "different", shared };
}

export type Matchable = Pick<
  ContactFields,
  "givenName" | "familyName" | "emails" | "phones" | "addresses" | "organizations" | "externalId" | "birthday"
>;
