import { ValidationError } from "@crm/kit";
import { prepareNewContact, type ContactDraft } from "../src/domain/contact";

const draft = (overrides: Partial<ContactDraft> = {}): ContactDraft => ({
  givenName: "",
  familyName: "",
  displayName: "",
  email: "",
  phone: "",
  title: "",
  relationshipType: undefined,
  tags: [],
  country: "",
  ...overrides,
});

const violations = (input: ContactDraft) => {
  try {
    prepareNewContact(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.violations.map((v) => v.field);
    throw error;
  }
  return [];
};

describe("prepareNewContact", () => {
  it("standardises names, e-mail, phone, country and tags", () => {
    expect(
      prepareNewContact(
        draft({
          givenName: "  Ada ",
          familyName: "King   Lovelace",
          email: " ADA@Example.COM ",
          phone: "+44 (20) 7946-0958",
          country: "gb",
          tags: ["VIP", " vip", "Board  Member"],
        }),
      ),
    ).toEqual({
      givenName: "Ada",
      familyName: "King Lovelace",
      displayName: "Ada King Lovelace",
      email: "ada@example.com",
      phone: "+442079460958",
      title: "",
      relationshipType: "prospect",
      tags: ["vip", "board member"],
      country: "GB",
    });
  });

  it("reports every invalid field at once", () => {
    expect(violations(draft({ givenName: "Ada", email: "not-an-email", phone: "12", country: "Poland" }))).toEqual([
      "contact.email",
      "contact.phone",
      "contact.country",
    ]);
  });

  it("needs a name or an e-mail address", () => {
    expect(violations(draft({ title: "CEO" }))).toEqual(["contact.givenName"]);
    expect(prepareNewContact(draft({ email: "x@y.io" })).displayName).toBe("x@y.io");
  });
});
