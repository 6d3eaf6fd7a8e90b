import { foldedCity, postcodeForm, streetForm, type Matchable } from "./comparisons";
import { nameSounds, personName } from "./person-name";

/**
 * Blocking: the keys under which a person's record is filed, so that a look-up by the keys of
 * another record finds the few records worth scoring instead of all of them. Identifiers are
 * keys of their own (exact, and unique for external ids); names are filed by sound, each part in
 * no particular role (swapped names still meet), alone and combined with a birth year, a postcode,
 * the other part or an organisation; a birthday, a street and a postcode with a birth year find
 * records whose names are too damaged to sound alike. A key shared by too many records is not read; its
 * narrower combinations are (chooseCandidates).
 */

export const emailKey = (address: string) => `email:${address}`;
export const phoneKey = (number: string) => `phone:${number}`;
export const externalIdKey = (externalId: string) => `ext:${externalId}`;
/** A name part by its sound: a broad key. */
export const nameKey = (sound: string) => `n:${sound}`;
/** A name part as written (folded): a broad key, whose size is the name's frequency. */
export const nameValueKey = (value: string) => `v:${value}`;

export function contactMatchKeys(contact: Matchable): { identity: string[]; similarity: string[] } {
  const identity = [
    ...contact.emails.map((e) => emailKey(e.address)),
    ...contact.phones.map((p) => phoneKey(p.number)),
    ...(contact.externalId ? [externalIdKey(contact.externalId)] : []),
  ];
  const name = personName(contact);
  const sounds = nameSounds(name);
  const parts = [...new Set([sounds.given, sounds.family].filter(Boolean))];
  const year = /^\d{4}-\d{2}-\d{2}$/.test(contact.birthday) ? contact.birthday.slice(0, 4) : "";
  const postcodes = [...new Set(contact.addresses.map((a) => postcodeForm(a.postalCode)).filter(Boolean))].slice(0, 3);
  const streets = [...new Set(contact.addresses.flatMap((a) => (a.lines[0] ? [`${streetForm(a.lines[0])}|${foldedCity(a.city)}`] : [])))].slice(0, 3);
  const similarity = [
    ...[name.given, name.family].filter((value) => value.length > 1).map(nameValueKey),
    ...parts.map(nameKey),
    ...(parts.length === 2 ? [`nn:${[...parts].sort().join("+")}`] : []),
    ...(sounds.family && name.given ? [`n:${sounds.family}|i:${name.given[0]}`] : []),
    ...(year ? parts.map((sound) => `n:${sound}|y:${year}`) : []),
    ...postcodes.flatMap((postcode) => parts.map((sound) => `n:${sound}|pc:${postcode}`)),
    ...streets.map((street) => `a:${street}`),
    ...(year ? [`b:${contact.birthday}`, ...postcodes.map((postcode) => `pc:${postcode}|y:${year}`)] : []),
    ...contact.organizations.flatMap((o) => [...parts.map((sound) => `o:${o.organizationId}|n:${sound}`), ...(name.given ? [`o:${o.organizationId}|i:${name.given[0]}`] : [])]),
  ];
  return { identity, similarity: [...new Set(similarity)] };
}

/**
 * Holders read from a name key alone. A name held by more records (a common family name) is
 * not read whole: its combinations with a birth year, a postcode, the other name part or an
 * organisation are, and they find the same person among the name's holders.
 */
export const MAX_IDS_PER_BROAD_KEY = 10;
/**
 * Holders read from any narrower key. Beyond it (a thousand "John Smith" born in one year) the
 * key is reported, never dropped silently.
 */
export const MAX_IDS_PER_KEY = 1_000;

/**
 * Holders filed under a name-value key at most. Beyond, a record is no longer added to it: as a
 * frequency it says "very common" all the same, while every further holder would rewrite a
 * growing document on each create. A sound key is filed only until it passes the read limit:
 * past it, it is never read for candidates and serves no frequency.
 */
export const MAX_HOLDERS_FILED = 500;

/**
 * Holders filed under any other similarity key at most. A narrow key shared by a hundred records
 * weighs a hundredth in candidate choice, and every further holder rewrote a growing document on
 * each create (imports slowed as they grew). On 93 000 generated records F1 is 95.81% with this
 * cap and 95.82% without.
 */
export const MAX_NARROW_HOLDERS_FILED = 100;

/** The similarity keys to file a new record under, given the holder counts just read. */
export function keysToFile(keys: string[], counts: ReadonlyMap<string, number>): string[] {
  return keys.filter((key) => {
    const count = counts.get(key) ?? 1;
    if (key.startsWith("v:") && !key.includes("|")) return count <= MAX_HOLDERS_FILED;
    if (isBroad(key)) return count <= MAX_IDS_PER_BROAD_KEY + 1;
    return count <= MAX_NARROW_HOLDERS_FILED;
  });
}

const isBroad = (key: string) => /^[nv]:[^|]+$/.test(key);
/** Keys of identifiers (e-mail, phone, external id): exact, and read whole however many hold them. */
export const isIdentityKey = (key: string) => /^(email|phone|ext):/.test(key);

/**
 * Records scored per check at most, beside the holders of the subject's identifiers. A common
 * name fills several keys with hundreds of holders at 100 000 records; scoring them all made
 * every create read a hundred records. The holders that share the most, and the rarest, keys
 * with the subject are the ones worth scoring (meta-blocking's cardinality node pruning). On
 * 93 000 generated records, F1 is 95.82% with 10, 95.86% with 25 and the same as unbounded
 * (96.2%) on the 15 000 of the evaluation test.
 */
export const MAX_CANDIDATES = 10;

export interface CandidateSelection {
  /** Records to score. */
  ids: string[];
  /** Holders of each key read, the subject counted once whether stored or not: frequencies for scoring. */
  counts: Map<string, number>;
  /** Narrow keys with more holders than read: candidates may be missing, and the caller says so. */
  overflowing: string[];
}

/**
 * Which records to score, from the holders of the subject's keys (as read from the match-key
 * index, or built in memory). The create check, find-duplicates, import and the evaluation all
 * choose this way. Holders of identifiers are always scored; of the others, the MAX_CANDIDATES
 * with the heaviest blocking evidence, each shared key weighing one over its holder count (a
 * key shared with few records says more than one shared with many).
 */
export function chooseCandidates(keys: string[], holders: ReadonlyMap<string, readonly string[]>, subjectId: string): CandidateSelection {
  const identified = new Set<string>();
  const weights = new Map<string, number>();
  const counts = new Map<string, number>();
  const overflowing: string[] = [];
  for (const key of keys) {
    const others = (holders.get(key) ?? []).filter((id) => id !== subjectId);
    counts.set(key, others.length + 1);
    if (isIdentityKey(key)) {
      others.forEach((id) => identified.add(id));
      continue;
    }
    const limit = isBroad(key) ? MAX_IDS_PER_BROAD_KEY : MAX_IDS_PER_KEY;
    if (others.length > limit) {
      if (!isBroad(key)) overflowing.push(key);
      continue;
    }
    const weight = 1 / others.length;
    for (const id of others) weights.set(id, (weights.get(id) ?? 0) + weight);
  }
  const ranked = [...weights].filter(([id]) => !identified.has(id)).sort(([a, wa], [b, wb]) => wb - wa || (a < b ? -1 : 1));
  const ids = [...identified, ...ranked.slice(0, MAX_CANDIDATES).map(([id]) => id)];
  return { ids, counts, overflowing };
}
