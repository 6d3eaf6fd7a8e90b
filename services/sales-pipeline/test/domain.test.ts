import { PreconditionFailedError, ValidationError } from "@crm/kit";
import { customerValueOf } from "../src/domain/customer-value";
import { derived, moveHistory, prepareDeal, type DealDraft } from "../src/domain/deal";
import { conversionFigures, forecastRows, rollUp, wholeMonths } from "../src/domain/forecast";
import { prepareLead, type LeadDraft } from "../src/domain/lead";
import { checkMinor, decimalOf, isCurrency, minorDigits, weighted } from "../src/domain/money";
import { checkTransition, prepareOrder, type OrderDraft } from "../src/domain/order";
import { preparePipeline, type Pipeline } from "../src/domain/pipeline";
import type { Product } from "../src/domain/product";
import { prepareRules, scoreLead, type ScoringRule } from "../src/domain/scoring";

/** The violations something was refused with. */
function violationsOf(work: () => unknown) {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error("it was accepted");
}

const emptyLead: LeadDraft = {
  name: "", person: { givenName: "", familyName: "", email: "", phone: "", title: "" }, company: { name: "", domain: "", industry: "", size: "" },
  country: "", source: "", sourceDetail: "", status: "", ownerId: "", tags: [], contactId: "", disqualifyReason: "",
};
const lead = (fields: Partial<LeadDraft> = {}) => ({ ...emptyLead, ...fields });
const audit = { createdAt: new Date(), updatedAt: new Date(), createdBy: "u", updatedBy: "u", version: 1 };

describe("prepareLead", () => {
  it("names the lead after its person, standardises e-mail, country and domain, and starts it new", () => {
    const fields = prepareLead(lead({ person: { ...emptyLead.person, givenName: " Ada ", familyName: "Lovelace", email: "ADA@Example.COM" }, country: "gb", company: { ...emptyLead.company, domain: "https://www.example.com/about" } }));
    expect(fields).toMatchObject({ name: "Ada Lovelace", status: "new", source: "other", country: "GB", person: { email: "ada@example.com" }, company: { domain: "example.com" } });
  });

  it("refuses a lead with nothing to call it by, bad e-mail, size, status and source, all at once", () => {
    expect(violationsOf(() => prepareLead(lead({ status: "won", source: "tv", person: { ...emptyLead.person, email: "nope" }, company: { ...emptyLead.company, size: "huge" } })))).toEqual([
      { field: "lead.person.email", description: '"nope" is not an e-mail address' },
      { field: "lead.company.size", description: "must be one of: 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+" },
      { field: "lead.status", description: "must be one of: new, contacted, qualified, disqualified, converted" },
      { field: "lead.source", description: "must be one of: web_form, referral, event, campaign, import, partner, other" },
    ]);
    expect(violationsOf(() => prepareLead(lead()))).toEqual([{ field: "lead.name", description: "is required (or a person's name or e-mail, or a company name)" }]);
  });

  it("does not let a lead be set converted: converting does that", () => {
    expect(violationsOf(() => prepareLead(lead({ name: "x", status: "converted" })))[0]!.field).toBe("lead.status");
  });
});

describe("scoring", () => {
  const now = new Date("2026-05-31T00:00:00Z");
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const rules = prepareRules([
    { id: "vp", description: "", type: "attribute", attribute: "title", match: "contains", values: ["VP", "director"], behaviour: "", points: 15, halfLifeDays: 0, maxOccurrences: 0, windowDays: 0 },
    { id: "fin", description: "Finance industry", type: "attribute", attribute: "industry", match: "equals", values: ["finance"], behaviour: "", points: 10, halfLifeDays: 0, maxOccurrences: 0, windowDays: 0 },
    { id: "open", description: "", type: "behaviour", attribute: "", match: "", values: [], behaviour: "campaign_opened", points: 20, halfLifeDays: 10, maxOccurrences: 2, windowDays: 30 },
    { id: "unsub", description: "", type: "behaviour", attribute: "", match: "", values: [], behaviour: "campaign_unsubscribed", points: -50, halfLifeDays: 0, maxOccurrences: 1, windowDays: 0 },
  ] as ScoringRule[]);
  const fields = prepareLead(lead({ person: { ...emptyLead.person, givenName: "Grace", title: "VP Engineering" }, company: { ...emptyLead.company, industry: "Finance" } }));

  it("adds attribute points with reasons", () => {
    const score = scoreLead(fields, [], rules, now);
    expect(score.score).toBe(25);
    expect(score.reasons.map((r) => r.description)).toEqual(['+15 title contains "vp"', "+10 Finance industry"]);
    expect(score.decays).toBe(false);
  });

  it("counts the latest behaviour within the window, halving per half-life, at most maxOccurrences", () => {
    const signals = [0, 10, 20, 40].map((days) => ({ behaviour: "campaign_opened", occurredAt: daysAgo(days), label: `opened campaign C${days}` }));
    const score = scoreLead(fields, signals, rules, now);
    // 20 now, 10 after one half-life; the older two are beyond maxOccurrences (and the window).
    expect(score.reasons.slice(2).map((r) => r.description)).toEqual(["+20 opened campaign C0 on 2026-05-31", "+10 opened campaign C10 on 2026-05-21"]);
    expect(score.score).toBe(55);
    expect(score.decays).toBe(true);
    const unsubscribed = scoreLead(fields, [{ behaviour: "campaign_unsubscribed", occurredAt: daysAgo(1), label: "unsubscribed campaign C" }], rules, now);
    expect(unsubscribed.score).toBe(-25);
  });

  it("refuses unknown rule kinds, attributes and behaviours, and wild points", () => {
    const bad = violationsOf(() => prepareRules([{ id: "", description: "", type: "behaviour", attribute: "", match: "", values: [], behaviour: "dancing", points: 5000, halfLifeDays: -1, maxOccurrences: 0, windowDays: 0 }]));
    expect(bad.map((v) => v.field)).toEqual(["rules[0].points", "rules[0].halfLifeDays", "rules[0].behaviour"]);
  });
});

describe("money", () => {
  it("knows ISO 4217 currencies and their minor units", () => {
    expect([isCurrency("EUR"), isCurrency("JPY"), isCurrency("XYZ")]).toEqual([true, true, false]);
    expect([minorDigits("EUR"), minorDigits("JPY"), minorDigits("KWD")]).toEqual([2, 0, 3]);
    expect([decimalOf({ currency: "EUR", minor: 1250 }), decimalOf({ currency: "JPY", minor: 1250 }), decimalOf({ currency: "KWD", minor: 5 })]).toEqual(["12.50", "1250", "0.005"]);
  });

  it("takes whole, non-negative minor units only", () => {
    const violations: Array<{ field: string; description: string }> = [];
    expect([checkMinor("100", "a", violations), checkMinor("-1", "b", violations), checkMinor("1.5", "c", violations)]).toEqual([100, -1, 0]);
    expect(violations.map((v) => v.field)).toEqual(["b", "c"]);
    expect([weighted(10_001, 50), weighted(333, 33)]).toEqual([5001, 110]);
  });
});

const pipeline: Pipeline = {
  id: "p1", tenantId: "t", ...audit,
  ...preparePipeline({ name: "Sales", stages: [
    { id: "", name: "Lead in", probability: 10, kind: "open" },
    { id: "", name: "Proposal", probability: 60, kind: "open" },
    { id: "", name: "Won", probability: 0, kind: "won" },
    { id: "", name: "Lost", probability: 0, kind: "lost" },
  ] }),
};
const [leadIn, proposal, won, lost] = pipeline.stages as [typeof pipeline.stages[0], typeof pipeline.stages[0], typeof pipeline.stages[0], typeof pipeline.stages[0]];

describe("pipelines and deals", () => {
  it("gives won stages 100 %, lost ones 0 %, and refuses an open stage after them or missing terminals", () => {
    expect(pipeline.stages.map((s) => [s.kind, s.probability])).toEqual([["open", 10], ["open", 60], ["won", 100], ["lost", 0]]);
    const refused = violationsOf(() => preparePipeline({ name: "x", stages: [{ id: "", name: "Won", probability: 100, kind: "won" }, { id: "", name: "Late", probability: 5, kind: "open" }] }));
    expect(refused.map((v) => v.description)).toEqual(["open stages come before the won and lost ones", "needs a lost stage"]);
  });

  it("checks a deal's stage, money, roles and dates against its pipeline", () => {
    const draft: DealDraft = { name: "Big", pipelineId: "p1", stageId: "nope", organizationId: "", stakeholders: [{ contactId: "not-an-id", role: "boss" }], amount: { currencyCode: "XXY", amountMinor: "-5" }, expectedCloseDate: "2026-02-30", probability: 120, ownerId: "", competitors: [], nextStep: "", closeReason: "" };
    expect(violationsOf(() => prepareDeal(draft, pipeline)).map((v) => v.field)).toEqual([
      "deal.stageId", "deal.stakeholders[0].contactId", "deal.stakeholders[0].role", "deal.amount.currencyCode", "deal.amount.amountMinor", "deal.probability", "deal.expectedCloseDate",
    ]);
  });

  it("uses the stage's probability unless overridden, and fixes it on won and lost stages", () => {
    const fields = { ...prepareDeal({ name: "D", pipelineId: "p1", stageId: proposal.id, organizationId: "", stakeholders: [], amount: { currencyCode: "eur", amountMinor: "10000" }, expectedCloseDate: "2026-06-15", probability: undefined, ownerId: "", competitors: [], nextStep: "", closeReason: "" }, pipeline) };
    expect(derived(fields, proposal)).toEqual({ stageName: "Proposal", status: "open", probability: 60, weightedMinor: 6000, closeMonth: "2026-06" });
    expect(derived({ ...fields, probabilityOverride: 25 }, proposal).weightedMinor).toBe(2500);
    expect(derived({ ...fields, probabilityOverride: 25 }, won)).toMatchObject({ status: "won", probability: 100, weightedMinor: 10000 });
  });

  it("records each stay with how it ended: forward, back or lost, and its length", () => {
    const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
    let history = moveHistory([], pipeline, leadIn, t(0), "u");
    history = moveHistory(history, pipeline, proposal, t(10), "u");
    history = moveHistory(history, pipeline, leadIn, t(30), "u");
    history = moveHistory(history, pipeline, lost, t(60), "u");
    expect(history.map((v) => [v.stageName, v.exit, v.durationMs])).toEqual([
      ["Lead in", "forward", 600_000],
      ["Proposal", "back", 1_200_000],
      ["Lead in", "lost", 1_800_000],
      ["Lost", undefined, undefined],
    ]);
  });

  it("sums conversion per stage and orders the forecast by the pipeline's stages", () => {
    const figures = conversionFigures(pipeline, [{ stageId: leadIn.id, entered: 4, left: 3, advanced: 2, regressed: 0, lost: 1, durationMs: 3 * 86_400_000 }], { won: 1, lost: 3 });
    expect(figures.stages[0]).toMatchObject({ entered: 4, advanced: 2, conversionRate: 0.5, averageDays: 1 });
    expect(figures.stages[1]).toMatchObject({ entered: 0, conversionRate: 0, averageDays: 0 });
    expect(figures.winRate).toBe(0.25);
    const rows = forecastRows(pipeline, { byStage: [{ key: proposal.id, currency: "EUR", count: 1, total: 5, weighted: 3 }, { key: leadIn.id, currency: "USD", count: 2, total: 7, weighted: 1 }], byOwner: [], byMonth: [], totals: [] });
    expect(rows.byStage.map((r) => r.label)).toEqual(["Lead in", "Proposal"]);
  });

  it("reads whole months from the forecast cells, and rolls cells up by stage, owner, month and currency", () => {
    expect(wholeMonths("2026-03-01", "2026-04-30")).toEqual({ from: "2026-03", to: "2026-04" });
    expect(wholeMonths("2024-02-01", "2024-02-29")).toEqual({ from: "2024-02", to: "2024-02" });
    expect(wholeMonths("", "")).toEqual({});
    expect([wholeMonths("2026-03-02", ""), wholeMonths("", "2026-04-29")]).toEqual([undefined, undefined]);
    const cell = (stageId: string, ownerId: string, closeMonth: string, currency: string, total: number) => ({ pipelineId: "p", stageId, ownerId, closeMonth, currency, count: 1, total, weighted: total / 2 });
    const rolled = rollUp([cell("s1", "ann", "2026-03", "EUR", 10), cell("s1", "bob", "2026-03", "EUR", 20), cell("s2", "ann", "2026-04", "USD", 40)]);
    expect(rolled.byStage).toEqual([{ key: "s1", currency: "EUR", count: 2, total: 30, weighted: 15 }, { key: "s2", currency: "USD", count: 1, total: 40, weighted: 20 }]);
    expect(rolled.byOwner.map((t) => [t.key, t.currency, t.total])).toEqual([["ann", "EUR", 10], ["bob", "EUR", 20], ["ann", "USD", 40]]);
    expect(rolled.totals.map((t) => [t.currency, t.count])).toEqual([["EUR", 2], ["USD", 1]]);
  });
});

describe("orders and customer value", () => {
  const product = (sku: string, prices: Array<[string, number]>, billing: "one_off" | "recurring" = "one_off"): Product => ({
    id: `id-${sku}`, tenantId: "t", sku, name: sku, description: "", prices: prices.map(([currency, minor]) => ({ currency, minor })), billing, interval: billing === "recurring" ? "month" : "", active: true, ...audit,
  });
  const catalogue = new Map([["SKU-1", product("SKU-1", [["EUR", 1000]], "recurring")], ["SKU-2", product("SKU-2", [["EUR", 250], ["USD", 300]])]]);
  const draft = (fields: Partial<OrderDraft>): OrderDraft => ({ contactId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", organizationId: "", dealId: "", currency: "EUR", lines: [], placedAt: undefined, ...fields });

  it("prices lines from the catalogue in the order's currency and totals them", () => {
    const order = prepareOrder(draft({ lines: [{ sku: "sku-1", quantity: 2, unitPrice: undefined }, { sku: "SKU-2", quantity: 3, unitPrice: { currencyCode: "EUR", amountMinor: "200" } }] }), catalogue, new Date());
    expect(order.lines.map((l) => [l.sku, l.unitMinor, l.totalMinor, l.recurring])).toEqual([["SKU-1", 1000, 2000, true], ["SKU-2", 200, 600, false]]);
    expect(order.totalMinor).toBe(2600);
  });

  it("refuses a line in another currency, an unknown SKU, a product without a price in the currency, and bad quantities", () => {
    const refused = violationsOf(() =>
      prepareOrder(
        draft({ currency: "USD", lines: [{ sku: "SKU-2", quantity: 1, unitPrice: { currencyCode: "EUR", amountMinor: "5" } }, { sku: "SKU-9", quantity: 0, unitPrice: undefined }, { sku: "SKU-1", quantity: 1, unitPrice: undefined }] }),
        catalogue,
        new Date(),
      ),
    );
    expect(refused.map((v) => v.field)).toEqual(["order.lines[0].unitPrice.currencyCode", "order.lines[1].sku", "order.lines[1].quantity", "order.lines[2].unitPrice"]);
  });

  it("allows only the status changes an order can make", () => {
    expect(checkTransition({ id: "o", status: "placed" }, "paid")).toBe("paid");
    expect(() => checkTransition({ id: "o", status: "cancelled" }, "paid")).toThrow(PreconditionFailedError);
  });

  it("values a customer per currency from orders that count, with the products it has since their first order", () => {
    const line = (sku: string, totalMinor: number) => ({ sku, productId: sku, name: sku, quantity: 1, unitMinor: totalMinor, totalMinor, recurring: sku === "SKU-1" });
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    const { values, products } = customerValueOf([
      { status: "paid", currency: "EUR", totalMinor: 1000, placedAt: at(5), lines: [line("SKU-1", 1000)] },
      { status: "fulfilled", currency: "EUR", totalMinor: 2001, placedAt: at(2), lines: [line("SKU-2", 2001)] },
      { status: "refunded", currency: "EUR", totalMinor: 99_999, placedAt: at(1), lines: [line("SKU-3", 99_999)] },
      { status: "placed", currency: "USD", totalMinor: 500, placedAt: at(9), lines: [line("SKU-1", 500)] },
    ]);
    expect(values).toEqual([
      { currency: "EUR", lifetimeMinor: 3001, orderCount: 2, averageMinor: 1501, firstPurchaseAt: at(2), lastPurchaseAt: at(5) },
      { currency: "USD", lifetimeMinor: 500, orderCount: 1, averageMinor: 500, firstPurchaseAt: at(9), lastPurchaseAt: at(9) },
    ]);
    expect(products.map((p) => [p.sku, p.since, p.quantity])).toEqual([["SKU-1", at(5), 2], ["SKU-2", at(2), 1]]);
  });
});
