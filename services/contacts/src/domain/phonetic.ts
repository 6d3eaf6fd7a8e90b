/**
 * A sound key for one name part, for blocking: names spelled as they sound ("Smyth", "Smith";
 * "Philips", "Fillips"; "Katherine", "Cathryn") share it, so they meet as candidates even when
 * their letters differ. Soundex-like: the first sound's class, then the classes of the next
 * consonant sounds, repeats collapsed, at most five symbols. Letters that sound alike are
 * rewritten first (ph -> f, ck and ch -> k, soft c -> s, sch and sh -> s...), which plain Soundex does not.
 */
export function nameSound(name: string): string {
  const letters = name.toLowerCase().replace(/[^a-z]/g, "");
  if (!letters) return "";
  const spoken = letters
    .replace(/^(kn|gn|pn)/, "n")
    .replace(/^wr/, "r")
    .replace(/^ps/, "s")
    .replace(/^x/, "s")
    .replace(/^wh/, "w")
    .replace(/ph/g, "f")
    .replace(/ck/g, "k")
    .replace(/sch|sh/g, "s")
    .replace(/t?ch/g, "k")
    .replace(/c(?=[eiy])/g, "s")
    .replace(/(?<=.)gh/g, "")
    .replace(/th|dt/g, "t")
    .replace(/qu/g, "kw")
    .replace(/x/g, "ks")
    .replace(/mb$/, "m");
  const code = [classOf(spoken[0]!, true)];
  let previous = code[0];
  for (const letter of spoken.slice(1)) {
    const symbol = classOf(letter, false);
    // Vowels separate repeats ("Tatton" keeps both t sounds), silent letters do not.
    if (symbol === "") {
      if ("aeiouy".includes(letter)) previous = "";
      continue;
    }
    if (symbol !== previous) code.push(symbol);
    previous = symbol;
    if (code.length === 5) break;
  }
  return code.join("");
}

const CLASSES: Record<string, string> = {
  b: "B", p: "B", f: "F", v: "F", w: "F", c: "K", g: "K", k: "K", q: "K", s: "S", z: "S",
  d: "T", t: "T", l: "L", m: "N", n: "N", r: "R", j: "J",
};

function classOf(letter: string, first: boolean): string {
  if ("aeiouy".includes(letter)) return first ? "A" : "";
  if (letter === "h" || (letter === "w" && !first)) return first ? "H" : "";
  return CLASSES[letter] ?? "";
}
