// The benchmark's contacts: the same rows whether they arrive through the CSV import or the
// bulk seed (seed-contacts.mjs).
const GIVEN = ["Ada", "Grace", "Alan", "Maria", "Łukasz", "José", "Zoë", "Katherine", "Ion", "Hedy", "Tim", "Margaret", "Linus", "Barbara", "Edsger", "Frances", "John", "Radia", "Donald", "Sophie"];
const FAMILY = ["Lovelace", "Hopper", "Turing", "Skłodowska", "Nowak", "García", "Kowalski", "Johnson", "Creangă", "Lamarr", "Berners-Lee", "Hamilton", "Torvalds", "Liskov", "Dijkstra", "Allen", "Backus", "Perlman", "Knuth", "Wilson"];
export const COUNTRIES = ["GB", "US", "PL", "RO", "DE", "FR", "ES", "NL"];
export const OWNERS = Array.from({ length: 20 }, (_, i) => `owner-${i}`);
export const pick = (list, i) => list[i % list.length];
export { GIVEN, FAMILY };

export const COLUMNS = ["givenName", "familyName", "email", "phone", "country", "type", "tags", "externalId", "ownerId"];

/** Row i of the benchmark, by CSV column. */
export function row(i) {
  // Family names repeat (as in life): the duplicate check meets many similar records.
  return {
    givenName: pick(GIVEN, i),
    familyName: `${pick(FAMILY, Math.floor(i / 7))}${Math.floor(i / 140)}`,
    email: `person${i}@bench.example`,
    phone: i % 2 === 0 ? `+48 6${String(10_000_000 + i).slice(-8)}` : "",
    country: pick(COUNTRIES, i),
    type: i % 3 === 0 ? "customer" : "prospect",
    tags: i % 10 === 0 ? "vip" : "",
    externalId: `ext-${i}`,
    ownerId: pick(OWNERS, Math.floor(i / 3)),
  };
}
