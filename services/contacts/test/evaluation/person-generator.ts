import type { Matchable } from "../../src/domain/comparisons";
import { CITIES, FAMILY_NAMES, GIVEN_NAMES, STREET_KINDS, STREETS, SYLLABLES } from "./names";

/**
 * A seeded generator of person records and corrupted duplicates for evaluating duplicate
 * detection, in the manner of FEBRL's dsgen: originals drawn from skewed name pools (common
 * family names shared by hundreds), relatives at the same address (the classic false match),
 * and duplicates that each carry one to three errors of the kinds seen in real data: typos, OCR
 * errors, phonetic spellings, nicknames, given and family name swapped, a missing family name,
 * transposed digits in birthdays and postcodes, moves, missing values, other e-mail addresses.
 * The same seed gives the same records.
 */

export interface GeneratedPerson extends Matchable {
  id: string;
  displayName: string;
  /** The person this record stands for: records with the same entity are true duplicates. */
  entity: number;
  /** The errors a duplicate was made with, for reading a miss. */
  errors: string[];
}

export interface GeneratorOptions {
  originals: number;
  seed: number;
  /** Share of originals that get duplicates. */
  duplicateRate?: number;
  /** Share of originals that get a relative at the same address. */
  householdRate?: number;
}

export function generatePeople(options: GeneratorOptions): GeneratedPerson[] {
  const random = seeded(options.seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const skewed = <T>(values: readonly T[]) => values[Math.floor(values.length * random() ** 2.6)]!;
  const chance = (p: number) => random() < p;
  const records: GeneratedPerson[] = [];
  let nextId = 0;
  const add = (person: Omit<GeneratedPerson, "id" | "displayName">) => {
    const id = `p${String(nextId++).padStart(6, "0")}`;
    records.push({ ...person, id, displayName: `${person.givenName} ${person.familyName}`.trim() });
  };

  const familyName = () => (chance(0.7) ? skewed(FAMILY_NAMES) : capitalise(Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join("")));
  const birthday = () => {
    const year = 1935 + Math.floor(random() * 70);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    return `${year}-${pad(month)}-${pad(day)}`;
  };
  const postcodes = Array.from({ length: 3000 }, () => String(10000 + Math.floor(random() * 89999)));
  const address = () => ({
    type: "home",
    lines: [`${1 + Math.floor(random() * 250)} ${pick(STREETS)} ${pick(STREET_KINDS)}`],
    city: pick(CITIES),
    region: "",
    postalCode: pick(postcodes),
    country: "US",
  });
  // Unique, as e-mail addresses below: shared identifiers are not what this measures.
  const phone = () => `+1555${String(nextId * 97 + Math.floor(random() * 97)).padStart(7, "0")}`;
  const email = (given: string, family: string) => `${given}.${family}${nextId}@${pick(["mail.example", "post.example", "inbox.example"])}`.toLowerCase();

  for (let entity = 0; entity < options.originals; entity++) {
    const given = skewed(GIVEN_NAMES);
    const family = familyName();
    const original: Omit<GeneratedPerson, "id" | "displayName"> = {
      entity,
      errors: [],
      givenName: given,
      familyName: family,
      birthday: chance(0.95) ? birthday() : "",
      addresses: chance(0.95) ? [address()] : [],
      emails: chance(0.5) ? [{ address: email(given, family), type: "home", primary: true }] : [],
      phones: chance(0.4) ? [{ number: phone(), type: "mobile", primary: true }] : [],
      organizations: [],
      externalId: "",
    };
    add(original);
    // A relative: same family name and address, another given name and birthday, own e-mail and phone.
    if (chance(options.householdRate ?? 0.08) && original.addresses.length > 0) {
      let relativeGiven = skewed(GIVEN_NAMES);
      while (relativeGiven === given) relativeGiven = skewed(GIVEN_NAMES);
      add({
        ...original, entity: options.originals + entity, givenName: relativeGiven, birthday: chance(0.9) ? birthday() : "",
        emails: chance(0.5) ? [{ address: email(relativeGiven, family), type: "home", primary: true }] : [],
        phones: chance(0.4) ? [{ number: phone(), type: "mobile", primary: true }] : [],
      });
    }
    if (!chance(options.duplicateRate ?? 0.4)) continue;
    const copies = chance(0.2) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) add(corrupt(original, random, { phone, email }));
  }
  return records;
}

type Person = Omit<GeneratedPerson, "id" | "displayName">;
interface Makers {
  phone: () => string;
  email: (given: string, family: string) => string;
}

/**
 * A duplicate of `original` with one to three errors (at most one of them a missing value, as
 * FEBRL limits modifications per record), and the identifiers a second record of a person has.
 */
function corrupt(original: Person, random: () => number, makers: Makers): Person {
  const chance = (p: number) => random() < p;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const person: Person = structuredClone({ ...original, errors: [] });
  const count = 1 + Math.floor(random() ** 1.5 * 3);
  const applied = new Set<string>();
  for (let attempt = 0; applied.size < count && attempt < 20; attempt++) {
    const error = pick(ERRORS);
    if (applied.has(error.name) || (error.missing && [...applied].some((name) => MISSING.has(name)))) continue;
    if (error.apply(person, random)) applied.add(error.name);
  }
  person.errors = [...applied];
  // A second record of a person often comes with another e-mail address or phone, or none.
  if (chance(0.55)) person.emails = chance(0.5) ? [] : [{ address: makers.email(person.givenName || "x", person.familyName || "y"), type: "work", primary: true }];
  if (chance(0.55)) person.phones = chance(0.5) ? [] : [{ number: makers.phone(), type: "work", primary: true }];
  // An impossible date (a transposed "1945-04-39", "9145-04-03") is dropped on import, as the option allows.
  if (person.birthday && !isValidDate(person.birthday)) person.birthday = "";
  return person;
}

interface CorruptionKind {
  name: string;
  /** Leaves a value out (or replaces it with an unrelated one): one of these per duplicate at most. */
  missing?: boolean;
  apply(person: Person, random: () => number): boolean;
}

const NICKNAMES: Record<string, string[]> = {
  robert: ["Bob", "Rob", "Bobby"], william: ["Bill", "Will", "Billy"], richard: ["Rick", "Dick", "Rich"], james: ["Jim", "Jimmy", "Jamie"],
  john: ["Jack", "Johnny"], michael: ["Mike", "Mick"], thomas: ["Tom", "Tommy"], charles: ["Charlie", "Chuck"], joseph: ["Joe", "Joey"],
  daniel: ["Dan", "Danny"], david: ["Dave"], edward: ["Ed", "Ted", "Eddie"], anthony: ["Tony"], christopher: ["Chris"], matthew: ["Matt"],
  andrew: ["Andy", "Drew"], nicholas: ["Nick"], benjamin: ["Ben"], samuel: ["Sam"], alexander: ["Alex"], stephen: ["Steve"], peter: ["Pete"],
  patrick: ["Pat"], timothy: ["Tim"], gregory: ["Greg"], lawrence: ["Larry"], gerald: ["Jerry"], elizabeth: ["Liz", "Beth", "Betty"],
  margaret: ["Maggie", "Peggy"], katherine: ["Kate", "Katie"], jennifer: ["Jen", "Jenny"], patricia: ["Patty", "Trish"], susan: ["Sue"],
  deborah: ["Debbie"], rebecca: ["Becky"], victoria: ["Vicky"], christine: ["Chris", "Tina"], jessica: ["Jess"], abigail: ["Abby"],
  samantha: ["Sam"], dorothy: ["Dot"], barbara: ["Barb"], katarzyna: ["Kasia"], malgorzata: ["Gosia"], wojciech: ["Wojtek"], tomasz: ["Tomek"],
};

const OCR: Array<[RegExp, string]> = [[/m/, "rn"], [/rn/, "m"], [/d/, "cl"], [/w/, "vv"], [/l/, "1"], [/o/, "0"], [/e/, "c"], [/i/, "l"], [/h/, "li"]];
const PHONETIC: Array<[RegExp, string]> = [
  [/ph/, "f"], [/f/, "ph"], [/ck/, "k"], [/c(?=[aou])/, "k"], [/k/, "c"], [/y/, "i"], [/i/, "y"], [/ie$/, "y"], [/y$/, "ie"], [/ou/, "ow"],
  [/([bdglmnprst])\1/, "$1"], [/([bdglmnprst])(?=[aeiouy])/, "$1$1"], [/son$/, "sen"], [/sen$/, "son"], [/th/, "t"], [/s$/, "z"], [/ee/, "ea"],
];

const MISSING = new Set(["family name missing", "birthday missing", "address missing", "moved"]);

const ERRORS: CorruptionKind[] = [
  { name: "typo in given name", apply: (p, r) => edit(p, "givenName", (v) => typo(v, r)) },
  { name: "typo in family name", apply: (p, r) => edit(p, "familyName", (v) => typo(v, r)) },
  { name: "OCR error in a name", apply: (p, r) => edit(p, r() < 0.5 ? "givenName" : "familyName", (v) => substitute(v, OCR, r)) },
  { name: "phonetic spelling", apply: (p, r) => edit(p, r() < 0.4 ? "givenName" : "familyName", (v) => substitute(v, PHONETIC, r)) },
  { name: "nickname", apply: (p, r) => edit(p, "givenName", (v) => { const options = NICKNAMES[v.toLowerCase()]; return options ? options[Math.floor(r() * options.length)]! : v; }) },
  { name: "names swapped", apply: (p) => {
    if (!p.familyName) return false;
    [p.givenName, p.familyName] = [p.familyName, p.givenName];
    return true;
  } },
  { name: "family name missing", missing: true, apply: (p, r) => {
    if (!p.familyName || p.givenName.includes(" ")) return false;
    // Left out, or typed with the given name into one field.
    p.givenName = r() < 0.5 ? `${p.givenName} ${p.familyName}` : p.givenName;
    p.familyName = "";
    return true;
  } },
  { name: "birthday digits transposed", apply: (p, r) => edit(p, "birthday", (v) => (r() < 0.25 ? swapDayAndMonth(v) : transposeDigits(v, r))) },
  { name: "birthday missing", missing: true, apply: (p) => edit(p, "birthday", () => "") },
  { name: "postcode digits transposed", apply: (p, r) => p.addresses.length > 0 && editAddress(p, (a) => ({ ...a, postalCode: transposeDigits(a.postalCode, r) })) },
  { name: "street abbreviated or mistyped", apply: (p, r) => p.addresses.length > 0 && editAddress(p, (a) => ({ ...a, lines: [r() < 0.5 ? abbreviate(a.lines[0]!) : typo(a.lines[0]!, r)] })) },
  { name: "address missing", missing: true, apply: (p) => p.addresses.length > 0 && editAddress(p, () => undefined) },
  { name: "moved", missing: true, apply: (p, r) => editAddress(p, () => ({ ...p.addresses[0] ?? { type: "home", region: "", country: "US", city: "Springfield" }, lines: [`${1 + Math.floor(r() * 250)} ${STREETS[Math.floor(r() * STREETS.length)]} Road`], postalCode: String(10000 + Math.floor(r() * 89999)) })) },
];

function edit(person: Person, field: "givenName" | "familyName" | "birthday", change: (value: string) => string): boolean {
  const before = person[field];
  if (!before) return false;
  const after = change(before);
  if (after === before) return false;
  person[field] = after;
  return true;
}

function editAddress(person: Person, change: (address: Matchable["addresses"][number]) => Matchable["addresses"][number] | undefined): boolean {
  const changed = change(person.addresses[0]!);
  person.addresses = changed ? [changed] : [];
  return true;
}

/** One of the four typing errors: a letter inserted, deleted, replaced, or two neighbours swapped. */
function typo(value: string, random: () => number): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const at = 1 + Math.floor(random() * Math.max(1, value.length - 1));
  const letter = letters[Math.floor(random() * letters.length)]!;
  switch (Math.floor(random() * 4)) {
    case 0: return value.slice(0, at) + letter + value.slice(at);
    case 1: return value.length > 3 ? value.slice(0, at) + value.slice(at + 1) : value + letter;
    case 2: return value.slice(0, at) + letter + value.slice(at + 1);
    default: return at < value.length - 1 ? value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2) : value.slice(0, at - 1) + value[at] + value[at - 1];
  }
}

function substitute(value: string, rules: Array<[RegExp, string]>, random: () => number): string {
  const lower = value.toLowerCase();
  const applicable = rules.filter(([pattern]) => pattern.test(lower.slice(1)));
  if (applicable.length === 0) return value;
  const [pattern, replacement] = applicable[Math.floor(random() * applicable.length)]!;
  // The first letter is kept: scanners and ears rarely get it wrong.
  return capitalise(lower[0] + lower.slice(1).replace(pattern, replacement));
}

function transposeDigits(value: string, random: () => number): string {
  const positions = [...value].flatMap((c, i) => (/\d/.test(c) && /\d/.test(value[i + 1] ?? "") && c !== value[i + 1] ? [i] : []));
  if (positions.length === 0) return value;
  const at = positions[Math.floor(random() * positions.length)]!;
  return value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2);
}

function swapDayAndMonth(value: string): string {
  const [year, month, day] = value.split("-");
  return `${year}-${day}-${month}`;
}

function abbreviate(line: string): string {
  return line.replace(/Street$/, "St").replace(/Road$/, "Rd").replace(/Avenue$/, "Ave").replace(/Lane$/, "Ln").replace(/Drive$/, "Dr").replace(/Court$/, "Ct").replace(/Close$/, "Cl.");
}

function isValidDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // As the service validates birthdays: a real day, from 1900 to today.
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]) && Number(match[1]) >= 1900 && date <= new Date();
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** mulberry32: a small, fast, seeded PRNG. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
