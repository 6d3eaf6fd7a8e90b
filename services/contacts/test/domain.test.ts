import { ValidationError } from "@crm/kit";
import { emptyDraft, prepareContact, type ContactDraft, type ContactFields } from "../src/domain/contact";
import { contactDraftFromRow } from "../src/domain/csv-columns";
import { chooseCandidates, contactMatchKeys } from "../src/domain/blocking";
import { compareBirthdays, compareNamePart } from "../src/domain/comparisons";
import { organizationNameKey, STRONG_MATCH, WEAK_MATCH } from "../src/domain/duplicates";
import { scoreContact } from "../src/domain/person-match";
import { nameSound } from "../src/domain/phonetic";
import { planMerge } from "../src/domain/merge";
import { caseName, fold, normaliseDomain, normalisePhone } from "../src/domain/normalise";
import { contactSearchWords, searchQueryTokens, searchTokens } from "../src/domain/search";

const draft = (overrides: Partial<ContactDraft> = {}): ContactDraft => ({ ...emptyDraft(), ...overrides });
const prepare = (overrides: Partial<ContactDraft>) => prepareContact(draft(overrides), []);
const violations = (overrides: Partial<ContactDraft>) => {
  try {
    prepare(overrides);
  } catch (error) {
    if (error instanceof ValidationError) return error.violations.map((v) => v.field);
    throw error;
  }
  return [];
};
const person = (overrides: Partial<ContactDraft>, id = "x") => ({ ...prepare(overrides), id, displayName: "" });

describe("standardised records", () => {
  it("parses phones to E.164 with a default region, and refuses numbers that cannot exist", () => {
    expect(normalisePhone("+44 (20) 7946-0958")).toEqual({ ok: true, e164: "+442079460958" });
    expect(normalisePhone("020 7946 0958", "GB")).toEqual({ ok: true, e164: "+442079460958" });
    expect(normalisePhone("601 234 567", "PL")).toEqual({ ok: true, e164: "+48601234567" });
    expect(normalisePhone("12345", "PL").ok).toBe(false);
    expect(normalisePhone("020 7946 0958")).toEqual({ ok: false, reason: expect.stringContaining("country code") });
  });

  it("cases names typed in one case and keeps deliberate mixed case", () => {
    expect(caseName("  ADA   LOVELACE ")).toBe("Ada Lovelace");
    expect(caseName("jean-luc o'neill")).toBe("Jean-Luc O'Neill");
    expect(caseName("McDonald")).toBe("McDonald");
    expect(fold("Łukasz Żółć-Müller")).toBe("lukasz zolc-muller");
    expect(normaliseDomain("https://www.Example.COM/about")).toBe("example.com");
  });

  it("standardises a whole person and makes the first entry primary", () => {
    const fields = prepare({
      givenName: "  ada ", familyName: "KING", emails: [{ address: " ADA@Example.COM ", type: "", primary: false }, { address: "a@b.io", type: "home", primary: true }],
      phones: [{ number: "07911 123456", type: "", primary: false }], addresses: [{ type: "", lines: [" 1 Main  St "], city: "LONDON", region: "", postalCode: "sw1a 1aa", country: "gb" }],
      tags: ["VIP", " vip", "Board  Member"], communication: { preferredChannel: "EMAIL", doNotEmail: false, doNotCall: true, doNotMail: false },
    });
    expect(fields).toMatchObject({
      givenName: "Ada", familyName: "King", displayName: "Ada King",
      emails: [{ address: "a@b.io", type: "home", primary: true }, { address: "ada@example.com", type: "work", primary: false }],
      phones: [{ number: "+447911123456", type: "mobile", primary: true }],
      addresses: [{ type: "other", lines: ["1 Main St"], city: "London", postalCode: "SW1A 1AA", country: "GB" }],
      tags: ["vip", "board member"], communication: { preferredChannel: "email", doNotCall: true }, relationshipType: "prospect",
    });
  });

  it("names a contact known only by its phone or display name, and refuses one with neither", () => {
    expect(prepare({ phones: [{ number: "+48 22 123 45 99", type: "", primary: false }] })).toMatchObject({ displayName: "+48221234599" });
    expect(prepare({ displayName: "  Dr  Who " })).toMatchObject({ displayName: "Dr Who", givenName: "", familyName: "" });
    expect(violations({ title: "CTO", displayName: "   " })).toEqual(["contact.givenName"]);
  });

  it("reports every invalid field at once", () => {
    expect(violations({
      givenName: "Ada", emails: [{ address: "not-an-email", type: "", primary: false }], phones: [{ number: "12", type: "", primary: false }],
      addresses: [{ type: "", lines: [], city: "", region: "", postalCode: "", country: "Poland" }], birthday: "2001-02-29", language: "English",
    })).toEqual(["contact.addresses[0].country", "contact.emails[0].address", "contact.phones[0].number", "contact.language", "contact.birthday"]);
    expect(violations({ title: "CEO" })).toEqual(["contact.givenName"]);
  });

  it("validates custom field values against the tenant's definitions", () => {
    const definitions = [{ key: "shoeSize", label: "Shoe size", type: "number" as const, options: [] }, { key: "tier", label: "Tier", type: "select" as const, options: ["gold", "silver"] }];
    expect(prepareContact(draft({ givenName: "A", customFields: { shoeSize: "42", tier: "gold" } }), definitions).customFields).toEqual({ shoeSize: 42, tier: "gold" });
    try {
      prepareContact(draft({ givenName: "A", customFields: { shoeSize: "big", tier: "bronze", colour: "red" } }), definitions);
      throw new Error("expected a ValidationError");
    } catch (error) {
      expect((error as ValidationError).violations.map((v) => v.field)).toEqual(["contact.customFields.shoeSize", "contact.customFields.tier", "contact.customFields.colour"]);
    }
  });
});

describe("duplicate scoring", () => {
  const at = (organizationId: string) => [{ organizationId, role: "", decisionMaker: false, influencer: false }];
  const ORG = "0190a0a0-0000-7000-8000-000000000001";
  const home = (line: string, postalCode: string) => [{ type: "", lines: [line], city: "Leeds", region: "", postalCode, country: "GB" }];

  it.each([
    ["a transposition", { givenName: "John", familyName: "Smith" }, { givenName: "John", familyName: "Smtih" }],
    ["a nickname", { givenName: "Bob", familyName: "Smith" }, { givenName: "Robert", familyName: "Smith" }],
    ["an initial", { givenName: "J.", familyName: "Smith" }, { givenName: "John", familyName: "Smith" }],
  ])("finds the same person despite %s: not strong alone, strong at the same organisation or with the same birthday", (_case, a, b) => {
    expect(scoreContact(prepare(a), person(b)).score).toBeLessThan(STRONG_MATCH);
    expect(scoreContact(prepare({ ...a, organizations: at(ORG) }), person({ ...b, organizations: at(ORG) })).score).toBeGreaterThanOrEqual(STRONG_MATCH);
    expect(scoreContact(prepare({ ...a, birthday: "1961-03-14" }), person({ ...b, birthday: "1961-03-14" })).score).toBeGreaterThanOrEqual(STRONG_MATCH);
  });

  it("compares name parts through accents, typos, OCR errors, phonetic spellings and nicknames", () => {
    expect(compareNamePart(fold("Muñoz"), fold("Munoz"), "family")).toBe("exact");
    expect(compareNamePart("smith", "smtih", "family")).toBe("similar");
    expect(compareNamePart("barnes", "bames", "family")).toBe("similar");
    expect(compareNamePart("philips", "fillips", "family")).toBe("similar");
    expect(compareNamePart("bob", "robert", "given")).toBe("nickname");
    expect(compareNamePart("j", "john", "given")).toBe("initial");
    expect(compareNamePart("james", "janice", "given")).toBe("different");
    expect(compareBirthdays("1945-04-13", "1945-04-31")).toBe("transposed");
    expect(compareBirthdays("1945-04-03", "1945-03-04")).toBe("transposed");
    expect(compareBirthdays("1945-04-03", "1945-04-21")).toBe("partial");
    expect(compareBirthdays("--04-03", "1945-04-03")).toBe("day-and-month");
  });

  it("weighs a shared name by how common it is: same common name with another birthday and address is weak, one typo with the same birthday and street is strong", () => {
    // 256 records are called White, 40 Chloe.
    const counts = (key: string) => (key === "v:white" ? 256 : key === "v:chloe" ? 40 : 1);
    const chloe = { givenName: "Chloe", familyName: "White", birthday: "1980-02-11", addresses: home("12 High Street", "LS1 4AB") };
    const namesake = person({ givenName: "Chloe", familyName: "White", birthday: "1975-09-30", addresses: home("3 Mill Lane", "LS6 2XY") });
    expect(scoreContact(prepare(chloe), namesake, counts).score).toBeLessThan(WEAK_MATCH);
    const typo = person({ givenName: "Cloe", familyName: "White", birthday: "1980-02-11", addresses: home("12 High St", "LS1 4AB") });
    const strong = scoreContact(prepare(chloe), typo, counts);
    expect(strong.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    expect(strong.reasons).toEqual(["similar name", "same birthday", "same address"]);
    expect(strong.evidence).toEqual(expect.arrayContaining([
      { field: "givenName", comparison: "similar", weight: expect.any(Number) },
      { field: "birthday", comparison: "exact", weight: expect.any(Number) },
      { field: "address", comparison: "same address", weight: expect.any(Number) },
    ]));
    // The rarer the shared name, the more it says.
    const rare = scoreContact(prepare(chloe), namesake, () => 1);
    expect(rare.score).toBeGreaterThan(scoreContact(prepare(chloe), namesake, counts).score);
  });

  it("finds swapped names, a missing family name and transposed digits", () => {
    const original = { givenName: "Chloe", familyName: "White", birthday: "1980-02-11", addresses: home("12 High Street", "LS1 4AB") };
    const swapped = scoreContact(prepare(original), person({ givenName: "White", familyName: "Chloe", birthday: "1980-02-11" }));
    expect(swapped.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    expect(swapped.reasons).toContain("same name, given and family swapped");
    const oneField = scoreContact(prepare(original), person({ givenName: "Chloe White", birthday: "1980-02-11" }));
    expect(oneField.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    const noFamily = scoreContact(prepare(original), person({ givenName: "Chloe", birthday: "1980-02-11", addresses: home("12 High Street", "LS1 4AB") }));
    expect(noFamily.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    const transposed = scoreContact(prepare(original), person({ givenName: "Chloe", familyName: "Whtie", birthday: "1980-02-11", addresses: home("12 High Street", "LS1 A4B") }));
    expect(transposed.evidence.find((e) => e.field === "address")?.comparison).toBe("same street, transposed postcode");
    expect(transposed.score).toBeGreaterThanOrEqual(STRONG_MATCH);
  });

  it("keeps relatives at one address apart", () => {
    const mother = { givenName: "Anna", familyName: "Kowalczyk", birthday: "1961-05-02", addresses: home("7 Elm Road", "LS2 9JT") };
    const son = person({ givenName: "Piotr", familyName: "Kowalczyk", birthday: "1990-11-23", addresses: home("7 Elm Road", "LS2 9JT") });
    expect(scoreContact(prepare(mother), son).score).toBeLessThan(WEAK_MATCH);
    // Without a birthday to tell them apart, the shared address still counts for little beside the shared family name.
    const daughter = person({ givenName: "Zofia", familyName: "Kowalczyk", addresses: home("7 Elm Road", "LS2 9JT") });
    expect(scoreContact(prepare(mother), daughter).score).toBeLessThan(WEAK_MATCH);
  });

  it("treats a shared e-mail or phone as strong, and different people as no match", () => {
    const ada = { givenName: "Ada", familyName: "Lovelace", emails: [{ address: "ada@example.com", type: "", primary: true }] };
    const byEmail = scoreContact(prepare(ada), person({ givenName: "Augusta", familyName: "King", emails: [{ address: "ADA@example.com", type: "", primary: true }] }));
    expect(byEmail).toMatchObject({ reasons: ["same e-mail"] });
    expect(byEmail.score).toBeGreaterThanOrEqual(STRONG_MATCH);
    expect(scoreContact(prepare({ givenName: "Ada", familyName: "Lovelace" }), person({ givenName: "Grace", familyName: "Hopper" })).score).toBeLessThan(0.01);
    expect(scoreContact(prepare({ givenName: "John", familyName: "Smith" }), person({ givenName: "Jane", familyName: "Smith" })).score).toBeLessThan(WEAK_MATCH);
  });

  it("files names by sound in no particular role, so that typos, spellings and swapped names meet as candidates", () => {
    const keys = (givenName: string, familyName: string) => contactMatchKeys(prepare({ givenName, familyName })).similarity;
    expect(keys("John", "Smtih")).toEqual(expect.arrayContaining(keys("John", "Smith").filter((k) => k.startsWith("n:"))));
    expect(keys("Jon", "Smyth")).toContain(`nn:${[nameSound("john"), nameSound("smith")].sort().join("+")}`);
    expect(keys("Smith", "John")).toContain(keys("John", "Smith").find((k) => k.startsWith("nn:")));
    expect(keys("Bob", "Smith")).toContain(`n:${nameSound("robert")}`);
    expect(organizationNameKey("ACME, Inc.")).toBe(organizationNameKey("Acme Incorporated"));
    expect(organizationNameKey("Nowak Sp. z o.o.")).toBe("nowak");
  });

  it("reads a common name's key no further and finds the same person through narrower keys, the same whether the subject is stored or not", () => {
    // 256 Whites at other postcodes, and one Chloe White at LS1 4AB.
    const index = new Map<string, string[]>();
    const file = (id: string, fields: ContactFields) => {
      const keys = contactMatchKeys(fields);
      for (const key of [...keys.identity, ...keys.similarity]) index.set(key, [...(index.get(key) ?? []), id]);
    };
    const given = ["Amy", "Ben", "Chloe", "Dan"];
    for (let i = 0; i < 256; i++) file(`w${i}`, prepare({ givenName: given[i % 4], familyName: "White", addresses: home(`${i} Long Road`, `LS${i % 30} 1AA`) }));
    file("chloe", prepare({ givenName: "Chloe", familyName: "White", addresses: home("12 High Street", "LS1 4AB") }));
    const subject = prepare({ givenName: "Chloe", familyName: "White", addresses: home("12 High Street", "LS1 4AB") });
    const keys = contactMatchKeys(subject);
    const atCreate = chooseCandidates([...keys.identity, ...keys.similarity], index, "new");
    expect(atCreate.ids).toContain("chloe");
    expect(atCreate.ids.length).toBeLessThan(100);
    expect(atCreate.counts.get("v:white")).toBe(258);
    file("stored", subject);
    const stored = chooseCandidates([...keys.identity, ...keys.similarity], index, "stored");
    expect(stored.ids.sort()).toEqual(atCreate.ids.sort());
    expect(stored.counts).toEqual(atCreate.counts);
  });
});

describe("search tokens", () => {
  it("finds a contact by any prefix of its names, e-mail parts and phone forms, ignoring case and accents", () => {
    const tokens = new Set(searchTokens(contactSearchWords(prepare({
      givenName: "Łukasz", familyName: "Nowak", emails: [{ address: "l.nowak@firma.pl", type: "", primary: true }], phones: [{ number: "+44 20 7946 0958", type: "", primary: true }],
    }), ["Acme Corp"])));
    for (const query of ["ŁUK", "luka", "nowa", "firma", "l.nowak@firma", "acme", "+44 20 7946", "020 7946", "2079"]) {
      for (const token of searchQueryTokens(query)) expect(tokens).toContain(token);
    }
    expect(tokens).not.toContain("zz");
  });

  it("stores only tokens a query can produce", () => {
    const tokens = searchTokens(contactSearchWords(prepare({
      givenName: "Anne-Marie", familyName: "O'Brien", emails: [{ address: "anne.marie+crm@mail.example.co.uk", type: "", primary: true }], phones: [{ number: "+48 22 123 45 67", type: "", primary: true }],
    })));
    for (const token of tokens) expect(searchQueryTokens(token)).toEqual([token]);
    for (const query of ["anne.marie+crm@mail.example", "brien", "mail.example.co.uk", "22 123"]) {
      for (const token of searchQueryTokens(query)) expect(tokens).toContain(token);
    }
  });
});

describe("merge plan", () => {
  it("keeps the survivor's values, fills its gaps, unites lists and takes chosen fields from the merged record", () => {
    const survivor = { ...prepare({ givenName: "Ada", familyName: "Lovelace", title: "", emails: [{ address: "ada@a.com", type: "", primary: true }], tags: ["vip"] }), id: "s" };
    const merged = { ...prepare({ givenName: "Augusta", familyName: "King", title: "Countess", emails: [{ address: "ada@b.com", type: "", primary: true }], tags: ["board"] }), id: "m" };
    const plan = planMerge(survivor, merged, ["familyName"]);
    expect(plan.fields).toMatchObject({ givenName: "Ada", familyName: "King", title: "Countess", tags: ["vip", "board"] });
    expect(plan.fields.emails.map((e: ContactFields["emails"][number]) => [e.address, e.primary])).toEqual([["ada@a.com", true], ["ada@b.com", false]]);
    expect(plan.sources).toMatchObject({ givenName: "s", familyName: "m", title: "m", tags: "s,m" });
  });
});

describe("CSV rows", () => {
  it("reads only the cells that are filled, so an update keeps what the file leaves blank", () => {
    const { draft: row, present, violations: problems } = contactDraftFromRow({ email: "a@b.io", givenName: "", tags: "x; y", type: "Customer", "custom.tier": "gold" }, "PL");
    expect(problems).toEqual([]);
    expect([...present].sort()).toEqual(["customFields", "emails", "relationshipType", "tags"]);
    expect(row).toMatchObject({ tags: ["x", "y"], relationshipType: "customer", customFields: { tier: "gold" }, defaultPhoneRegion: "PL" });
  });
});
