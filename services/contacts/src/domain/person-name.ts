import type { ContactFields } from "./contact";
import { canonicalGivenName } from "./nicknames";
import { memoise } from "./memo";
import { fold } from "./normalise";
import { nameSound } from "./phonetic";

/** The parts of a person's name that matching compares: folded, letters only. */
export interface PersonName {
  /** The first given name ("mary" of "Mary Ann"), without the dot of an initial. */
  given: string;
  /** The family name in one word ("obriensmith" of "O'Brien-Smith"). */
  family: string;
}

/**
 * The comparable name of a record. A record without a family name whose given name has several
 * words ("Chloe White" typed in one field) is read as given and family name, so that it still
 * compares with the record that has both.
 */
export function personName(contact: Pick<ContactFields, "givenName" | "familyName">): PersonName {
  return namesOf(`${contact.givenName}\u0000${contact.familyName}`);
}

const namesOf = memoise((names: string): PersonName => {
  const [givenName = "", familyName = ""] = names.split("\u0000");
  const givenWords = fold(givenName).split(/[\s,]+/).map(letters).filter(Boolean);
  const family = letters(fold(familyName));
  if (!family && givenWords.length >= 2) return { given: givenWords[0]!, family: givenWords[givenWords.length - 1]! };
  return { given: givenWords[0] ?? "", family };
});

/**
 * The sound of each name part, given name by its usual full form ("Bob" sounds as "Robert"), so
 * that nicknames and spelling variants share a blocking key. In no particular role: a record
 * whose given and family names were swapped has the same sounds.
 */
export function nameSounds(name: PersonName): { given: string; family: string } {
  return { given: name.given.length > 1 ? soundOf(canonicalGivenName(name.given)) : "", family: soundOf(name.family) };
}

const soundOf = memoise(nameSound);

/** Letters and digits only ("O'Brien-Smith" -> "obriensmith"); digits an OCR read for letters are compared as those letters (comparisons.ts). */
function letters(value: string): string {
  return value.replace(/[^\p{L}\p{N}]/gu, "");
}
