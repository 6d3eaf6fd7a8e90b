// Common English given-name variants. Each group is one person's name in its usual forms; the
// first entry is the canonical one. Tenants with other languages would add their own groups.
const GROUPS = [
  ["robert", "bob", "bobby", "rob", "robbie", "bert"],
  ["william", "bill", "billy", "will", "willy", "liam"],
  ["richard", "rick", "ricky", "dick", "rich"],
  ["james", "jim", "jimmy", "jamie"],
  ["john", "jack", "johnny", "jon"],
  ["jonathan", "jon", "jonny"],
  ["michael", "mike", "mikey", "mick"],
  ["thomas", "tom", "tommy"],
  ["charles", "charlie", "chuck", "chas"],
  ["joseph", "joe", "joey"],
  ["daniel", "dan", "danny"],
  ["david", "dave", "davey"],
  ["edward", "ed", "eddie", "ted", "ned"],
  ["anthony", "tony"],
  ["christopher", "chris", "kit"],
  ["matthew", "matt"],
  ["andrew", "andy", "drew"],
  ["nicholas", "nick", "nicky"],
  ["benjamin", "ben", "benny"],
  ["samuel", "sam", "sammy"],
  ["alexander", "alex", "sasha", "xander"],
  ["stephen", "steve", "steven"],
  ["peter", "pete"],
  ["patrick", "pat", "paddy"],
  ["timothy", "tim", "timmy"],
  ["gregory", "greg"],
  ["lawrence", "larry"],
  ["gerald", "gerry", "jerry"],
  ["elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "lisa"],
  ["margaret", "maggie", "meg", "peggy", "marge"],
  ["katherine", "kate", "katie", "kathy", "cathy", "catherine", "kat"],
  ["jennifer", "jen", "jenny"],
  ["patricia", "pat", "patty", "trish"],
  ["susan", "sue", "susie"],
  ["deborah", "deb", "debbie"],
  ["rebecca", "becky", "becca"],
  ["victoria", "vicky", "tori"],
  ["alexandra", "alex", "sandra", "sasha"],
  ["christine", "chris", "christina", "tina"],
  ["jessica", "jess", "jessie"],
  ["abigail", "abby"],
  ["samantha", "sam", "sammy"],
  ["dorothy", "dot", "dottie"],
  ["barbara", "barb", "babs"],
  ["joanna", "jo", "joanne"],
  ["aleksander", "olek", "alek"],
  ["katarzyna", "kasia"],
  ["malgorzata", "gosia"],
  ["wojciech", "wojtek"],
  ["tomasz", "tomek"],
] as const;

const VARIANTS = new Map<string, Set<string>>();
const CANONICAL = new Map<string, string>();
for (const group of GROUPS) {
  for (const name of group) {
    const set = VARIANTS.get(name) ?? new Set<string>();
    for (const other of group) set.add(other);
    VARIANTS.set(name, set);
    // A name in several groups ("alex", "pat") keeps the first group's canonical form.
    if (!CANONICAL.has(name)) CANONICAL.set(name, group[0]);
  }
}

/** Whether two folded given names are forms of the same name ("bob" and "robert"). */
export function areNicknames(a: string, b: string): boolean {
  return VARIANTS.get(a)?.has(b) ?? false;
}

/** The usual full form of a folded given name ("bob" -> "robert"), or the name itself. */
export function canonicalGivenName(name: string): string {
  return CANONICAL.get(name) ?? name;
}
