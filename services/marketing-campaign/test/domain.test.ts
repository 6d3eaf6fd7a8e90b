import { PreconditionFailedError, ValidationError } from "@crm/kit";
import { assignVariant, channelAddress, consentExclusion, messageIdOf, screenContact, type AudienceContact } from "../src/domain/audience";
import { meetsBehaviour, NO_BEHAVIOUR, prepareBehaviour, type BehaviourFacts } from "../src/domain/behaviour";
import { bounceVerdict } from "../src/domain/bounce-rules";
import { fieldsUsed, prepareCampaign, transition, type CampaignDraft } from "../src/domain/campaign";
import { influencesOf } from "../src/domain/influence";
import { emptyFigures, rates, totalOf } from "../src/domain/metrics";
import { responseOf } from "../src/domain/response";
import { zonedInstant } from "../src/domain/schedule";
import { prepareSegment } from "../src/domain/segment";
import { render, templateFields } from "../src/domain/template";

/** The violations a call is refused with. */
function violationsOf(work: () => unknown) {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error("it was accepted");
}

const ID = "01a24434-937d-7936-839e-3bcaef027640";

describe("templates", () => {
  it("personalises with the contact's value, else the placeholder's fallback, else the campaign's", () => {
    const template = "Dear {{ givenName | friend }} {{familyName}}, {{custom.tier|}} {{city}}";
    expect(render(template, { givenName: "Ada", familyName: "Lovelace", "custom.tier": "gold", city: "" }, { city: "your city" })).toBe("Dear Ada Lovelace, gold your city");
    expect(render(template, { givenName: "  ", familyName: "Lovelace" }, {})).toBe("Dear friend Lovelace,  ");
  });

  it("names the fields it uses and refuses unknown ones or an unclosed placeholder", () => {
    expect(templateFields("{{givenName}} {{custom.tier}} {{givenName|x}}", "body")).toEqual(["givenName", "custom.tier"]);
    expect(violationsOf(() => templateFields("{{shoeSize}}", "body"))[0]!.description).toMatch(/unknown personalisation fields: shoeSize/);
    expect(violationsOf(() => templateFields("Hello {{givenName", "body"))[0]!.description).toBe("has a {{ without its closing }}");
  });
});

describe("schedules", () => {
  it("turns a wall-clock time in a time zone into its instant, across daylight saving time", () => {
    expect(zonedInstant("2026-07-01T09:00", "Europe/Warsaw")).toEqual(new Date("2026-07-01T07:00:00Z"));
    expect(zonedInstant("2026-12-01T09:00", "Europe/Warsaw")).toEqual(new Date("2026-12-01T08:00:00Z"));
    expect(zonedInstant("2026-03-08T01:30:15", "America/New_York")).toEqual(new Date("2026-03-08T06:30:15Z"));
    // Fall back: 01:30 happens twice; the first is meant.
    expect(zonedInstant("2026-11-01T01:30", "America/New_York")).toEqual(new Date("2026-11-01T05:30:00Z"));
  });

  it("refuses a time the clocks skip, an impossible date and an unknown zone", () => {
    expect(violationsOf(() => zonedInstant("2026-03-08T02:30", "America/New_York"))[0]!.description).toMatch(/does not exist/);
    expect(violationsOf(() => zonedInstant("2026-02-30T10:00", "UTC"))[0]!.field).toBe("localTime");
    expect(violationsOf(() => zonedInstant("2026-02-01T10:00", "Mars/Olympus"))[0]!.field).toBe("timeZone");
  });
});

describe("audience", () => {
  const person = (fields: Partial<AudienceContact>): AudienceContact => ({ id: ID, emails: [], phones: [], doNotEmail: false, doNotCall: false, values: {}, ...fields });

  it("reaches a contact at its primary e-mail, or a mobile for SMS, and excludes it without one or with a do-not flag", () => {
    const contact = person({
      emails: [{ address: "work@example.com", primary: false }, { address: "home@example.com", primary: true }],
      phones: [{ number: "+48221234567", type: "work", primary: true }, { number: "+48601234567", type: "mobile", primary: false }],
    });
    expect(channelAddress(contact, "email")).toBe("home@example.com");
    expect(channelAddress(contact, "sms")).toBe("+48601234567");
    expect(screenContact(person({}), "email")).toEqual({ reason: "no_address" });
    expect(screenContact({ ...contact, doNotEmail: true }, "email")).toEqual({ reason: "do_not_contact" });
    expect(screenContact({ ...contact, doNotEmail: true }, "sms")).toEqual({ address: "+48601234567" });
  });

  it("maps the consent service's reasons to exclusions", () => {
    expect(consentExclusion("CHECK_REASON_GRANTED")).toBeUndefined();
    expect(consentExclusion("CHECK_REASON_NOT_OBJECTED")).toBeUndefined();
    expect(consentExclusion("CHECK_REASON_SUPPRESSED")).toBe("suppressed");
    expect(consentExclusion("CHECK_REASON_WITHDRAWN")).toBe("consent_withdrawn");
    expect(consentExclusion("CHECK_REASON_NO_CONSENT")).toBe("no_consent");
  });

  it("splits recipients between variants by weight, the same way every time", () => {
    const variants = [{ key: "a", weight: 20 }, { key: "b", weight: 80 }];
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 10_000; i++) counts[assignVariant("campaign-1", `contact-${i}`, variants)]!++;
    expect(counts.a! / 10_000).toBeCloseTo(0.2, 1);
    expect(assignVariant("campaign-1", "contact-7", variants)).toBe(assignVariant("campaign-1", "contact-7", variants));
  });

  it("gives one message id per campaign and contact, a UUID", () => {
    const id = messageIdOf("t1", "k1", "c1");
    expect(id).toBe(messageIdOf("t1", "k1", "c1"));
    expect(id).not.toBe(messageIdOf("t1", "k1", "c2"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("segments and behaviour", () => {
  const facts = (fields: Partial<BehaviourFacts>): BehaviourFacts => ({ ...NO_BEHAVIOUR, ...fields });
  const now = new Date("2026-06-01T00:00:00Z");

  it("holds each condition against what the contact did, negated on demand", () => {
    const conditions = prepareBehaviour([
      { kind: "purchased_product", sku: "SKU-1", amount: undefined, stageId: "", count: 0, withinDays: 0, campaignId: "", negate: false },
      { kind: "lifetime_value_over", sku: "", amount: { currencyCode: "eur", amountMinor: "10000" }, stageId: "", count: 0, withinDays: 0, campaignId: "", negate: false },
      { kind: "tickets_over", sku: "", amount: undefined, stageId: "", count: 1, withinDays: 30, campaignId: "", negate: true },
    ]);
    const buyer = facts({ skus: new Set(["SKU-1"]), lifetimeValue: new Map([["EUR", 10_001]]) });
    expect(meetsBehaviour(conditions, buyer, now)).toBe(true);
    expect(meetsBehaviour(conditions, { ...buyer, lifetimeValue: new Map([["EUR", 10_000]]) }, now)).toBe(false);
    const twoRecentTickets = { ...buyer, ticketsOpenedAt: [new Date("2026-05-20T00:00:00Z"), new Date("2026-05-25T00:00:00Z")] };
    expect(meetsBehaviour(conditions, twoRecentTickets, now)).toBe(false);
    const oneRecent = { ...buyer, ticketsOpenedAt: [new Date("2025-01-01T00:00:00Z"), new Date("2026-05-25T00:00:00Z")] };
    expect(meetsBehaviour(conditions, oneRecent, now)).toBe(true);
  });

  it("refuses a condition without what its kind needs, and a static list with an id that is not one", () => {
    const base = { sku: "", amount: undefined, stageId: "", count: 0, withinDays: 0, campaignId: "", negate: false };
    expect(violationsOf(() => prepareBehaviour([{ ...base, kind: "purchased_product" }, { ...base, kind: "levitates" }]))).toEqual([
      { field: "segment.behaviour[0].sku", description: "is required for purchased_product" },
      { field: "segment.behaviour[1].kind", description: expect.stringMatching(/^must be one of/) },
    ]);
    expect(violationsOf(() => prepareSegment({ name: "L", description: "", kind: "static", filterJson: "", behaviour: [], contactIds: [ID, "nope"] }))).toEqual([
      { field: "segment.contactIds[1]", description: "is not a contact id" },
    ]);
  });
});

describe("campaigns", () => {
  const draft = (fields: Partial<CampaignDraft> = {}): CampaignDraft => ({
    name: "Spring", purposeId: ID, channel: "email", segmentId: ID, fallbacks: {}, fromAddress: "",
    variants: [{ key: "A", weight: 50, subject: "Hi {{givenName}}", body: "Hello {{familyName}}" }, { key: "b", weight: 50, subject: "Hey", body: "Hi {{custom.tier}}" }],
    ...fields,
  });

  it("keeps a valid draft, its variant keys in lower case, and knows the fields its templates use", () => {
    const fields = prepareCampaign(draft());
    expect(fields.variants.map((variant) => variant.key)).toEqual(["a", "b"]);
    expect(fieldsUsed(fields).sort()).toEqual(["custom.tier", "familyName", "givenName"]);
  });

  it("refuses weights that do not add up to 100, an e-mail without a subject and an SMS too long", () => {
    expect(violationsOf(() => prepareCampaign(draft({ variants: [{ key: "a", weight: 60, subject: "", body: "x" }] })))).toEqual([
      { field: "campaign.variants[0].subject", description: "is required for e-mail" },
      { field: "campaign.variants", description: "weights must add up to 100 (they add up to 60)" },
    ]);
    expect(violationsOf(() => prepareCampaign(draft({ channel: "sms", variants: [{ key: "a", weight: 100, subject: "", body: "x".repeat(1_601) }] })))[0]!.description).toBe("must be at most 1600 characters");
  });

  it("moves between statuses by the rules", () => {
    expect(transition({ id: ID, status: "draft" }, "send")).toBe("sending");
    expect(transition({ id: ID, status: "sending" }, "pause")).toBe("paused");
    expect(transition({ id: ID, status: "paused" }, "resume")).toBe("sending");
    expect(() => transition({ id: ID, status: "sent" }, "cancel")).toThrow(PreconditionFailedError);
    expect(() => transition({ id: ID, status: "scheduled" }, "edit")).toThrow(PreconditionFailedError);
  });
});

describe("responses and bounce rules", () => {
  const rules = { softBounceLimit: 3, softBounceWindowDays: 7 };
  const now = new Date("2026-06-10T00:00:00Z");
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

  it("suppresses at once for a hard bounce or a complaint, after the limit of soft bounces within the window, never for an auto-reply", () => {
    expect(bounceVerdict("hard", [], now, rules)).toBe("suppress");
    expect(bounceVerdict("complaint", [], now, rules)).toBe("suppress");
    expect(bounceVerdict("auto_reply", [daysAgo(1), daysAgo(1), daysAgo(1)], now, rules)).toBe("ignore");
    expect(bounceVerdict("soft", [daysAgo(1), daysAgo(2)], now, rules)).toBe("count");
    expect(bounceVerdict("soft", [daysAgo(1), daysAgo(2), daysAgo(3)], now, rules)).toBe("suppress");
    expect(bounceVerdict("soft", [daysAgo(1), daysAgo(2), daysAgo(30)], now, rules)).toBe("count");
  });

  it("names a bounce's response by its kind; an auto-reply records none", () => {
    expect(responseOf({ type: "bounced", bounceKind: "hard" })).toBe("hard_bounced");
    expect(responseOf({ type: "bounced", bounceKind: "soft" })).toBe("soft_bounced");
    expect(responseOf({ type: "bounced", bounceKind: "auto_reply" })).toBeUndefined();
    expect(responseOf({ type: "clicked", bounceKind: "" })).toBe("clicked");
  });
});

describe("metrics and influence", () => {
  it("rates responses against messages sent", () => {
    const figures = { ...emptyFigures(), sent: 8, delivered: 8, opened: 3, clicked: 1, bounced: 0, unsubscribed: 2 };
    expect(rates(figures)).toEqual({ deliveryRate: 1, openRate: 0.375, clickRate: 0.125, bounceRate: 0, unsubscribeRate: 0.25 });
    expect(rates(emptyFigures()).openRate).toBe(0);
    const total = totalOf([{ ...figures, excluded: { suppressed: 2 } }, { ...figures, excluded: { suppressed: 1, no_consent: 4 } }]);
    expect(total).toMatchObject({ sent: 16, excluded: { suppressed: 3, no_consent: 4 } });
  });

  it("credits a win to each campaign a contact of the deal responded to before it was won, once per campaign", () => {
    const wonAt = new Date("2026-06-01T12:00:00Z");
    const win = { dealId: "d1", wonAt, amount: { currency: "EUR", amountMinor: 250_000 }, contactIds: ["c1", "c2"] };
    const influences = influencesOf(win, [
      { campaignId: "k1", variant: "b", contactId: "c1", respondedAt: new Date("2026-05-20T00:00:00Z") },
      { campaignId: "k1", variant: "a", contactId: "c2", respondedAt: new Date("2026-05-25T00:00:00Z") },
      { campaignId: "k2", variant: "a", contactId: "c2", respondedAt: new Date("2026-06-02T00:00:00Z") },
    ]);
    expect(influences).toEqual([{ campaignId: "k1", variant: "b", dealId: "d1", wonAt, amount: win.amount, contactIds: ["c1", "c2"] }]);
  });
});
