/**
 * Text as search and matching compare it: lower case, without accents, and with the letters
 * that Unicode does not decompose spelt out, so that "Łukasz Żółć" reads as "lukasz zolc" and
 * "Ærø" as "aero". For search tokens and look-ups only; what a user wrote is stored as written.
 */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[łŁøØßæÆ]/g, (letter) => UNDECOMPOSED[letter] ?? letter).toLowerCase();
}

const UNDECOMPOSED: Record<string, string> = { ł: "l", Ł: "l", ø: "o", Ø: "o", ß: "ss", æ: "ae", Æ: "ae" };
