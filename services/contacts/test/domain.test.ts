import { ValidationError } from "@crm/kit";
import { emptyDraft, prepareContact, type ContactDraft, type ContactFields } from "../src/domain/contact";
import { contactDraftFromRow } from "../src/domain/csv-columns";
import { contactMatchKeys, nameSimilarity, organizationNameKey, scoreContact, STRONG_MATCH } from "../src/domain/duplicates";
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

  it.each([
    ["accents", { givenName: "José", familyName: "Muñoz" }, { givenName: "Jose", familyName: "Munoz" }],
    ["a transposition", { givenName: "John", familyName: "Smith" }, { givenName: "John", familyName: "Smtih" }],
    ["a nickname", { givenName: "Bob", familyName: "Smith" }, { givenName: "Robert", familyName: "Smith" }],
    ["an initial", { givenName: "J.", familyName: "Smith" }, { givenName: "John", familyName: "Smith" }],
  ])("finds the same person despite %s, strong at the same organisation", (_case, a, b) => {
    expect(nameSimilarity(prepare(a), prepare(b))).toBeGreaterThan(0);
    const score = scoreContact(prepare({ ...a, organizations: at(ORG) }), person({ ...b, organizations: at(ORG) })).score;
    expect(score).toBeGreaterThanOrEqual(STRONG_MATCH);
    // Without a shared organisation or address, a similar name alone is only a weak candidate.
    expect(scoreContact(prepare(a), person(b)).score).toBeLessThan(STRONG_MATCH);
  });

  it("treats a shared e-mail or phone as strong, and different people as no match", () => {
    const ada = { givenName: "Ada", familyName: "Lovelace", emails: [{ address: "ada@example.com", type: "", primary: true }] };
    expect(scoreContact(prepare(ada), person({ givenName: "A", familyName: "Byron", emails: [{ address: "ADA@example.com", type: "", primary: true }] })).reasons).toContain("same e-mail");
    expect(scoreContact(prepare({ givenName: "Ada", familyName: "Lovelace" }), person({ givenName: "Grace", familyName: "Hopper" })).score).toBe(0);
    expect(scoreContact(prepare({ givenName: "John", familyName: "Smith" }), person({ givenName: "Jane", familyName: "Smith" })).score).toBe(0);
  });

  it("gives typos and transpositions the same letters key, so they meet as candidates", () => {
    const keys = (familyName: string) => contactMatchKeys(prepare({ givenName: "John", familyName })).similarity;
    expect(keys("Smith")).toContain("letters:himst");
    expect(keys("Smtih")).toContain("letters:himst");
    expect(organizationNameKey("ACME, Inc.")).toBe(organizationNameKey("Acme Incorporated"));
    expect(organizationNameKey("Nowak Sp. z o.o.")).toBe("nowak");
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
