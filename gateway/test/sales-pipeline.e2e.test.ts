import { signTestToken, startPlatform, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";
import { gatewayCalls, type Body } from "./gateway-calls";

// The sales-pipeline API over HTTP, with the real contacts service beside it: pipelines, deals and
// their views, the catalogue, orders and customer value, leads and their conversion into
// contacts' records, the customer 360's sales sections, and the errors of each.
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts", "sales-pipeline"] });
  token = await signTestToken({ tenant: uniqueName("sales_e2e") });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

const call = gatewayCalls(() => ({ url: platform.gatewayUrl, token }));
const eur = (amountMinor: number) => ({ currency: "EUR", amountMinor });

describe("gateway sales-pipeline routes", () => {
  it("runs a pipeline: stages, deals moved with history, board, forecast and conversion", async () => {
    const created = await call("POST", "/v1/pipelines", { name: "Enterprise", stages: [{ name: "Discovery", probability: 20 }, { name: "Proposal", probability: 60 }, { name: "Won", kind: "won" }, { name: "Lost", kind: "lost" }] });
    expect(created.status).toBe(201);
    const pipeline = created.json;
    const [discovery, proposal, won] = pipeline.stages.map((s: Body) => s.id);
    const deal = await call("POST", "/v1/deals", { name: "Rollout", pipelineId: pipeline.id, amount: eur(1_234_56), expectedCloseDate: "2026-06-30", ownerId: "ann" });
    expect(deal.status).toBe(201);
    expect(deal.json).toMatchObject({ stageId: discovery, probability: 20, amount: { currency: "EUR", amountMinor: 123_456, amount: "1234.56" }, weightedAmount: { amountMinor: 24_691 } });
    const moved = await call("PATCH", `/v1/deals/${deal.json.id}`, { stageId: proposal }, { "if-match": deal.headers.get("etag")! });
    expect(moved.json.stageHistory.map((v: Body) => [v.stageName, v.exit])).toEqual([["Discovery", "forward"], ["Proposal", ""]]);
    expect((await call("PATCH", `/v1/deals/${deal.json.id}`, { stageId: won }, { "if-match": deal.headers.get("etag")! })).status).toBe(412);
    await call("POST", "/v1/deals", { name: "Yen deal", pipelineId: pipeline.id, stageId: proposal, amount: { currency: "JPY", amountMinor: 500_000 }, expectedCloseDate: "2026-06-01", ownerId: "bob" });

    const board = (await call("GET", `/v1/pipelines/${pipeline.id}/board?limit=1`)).json;
    expect(board.columns.map((c: Body) => [c.stage.name, c.dealCount, c.deals.length])).toEqual([["Discovery", 0, 0], ["Proposal", 2, 1], ["Won", 0, 0], ["Lost", 0, 0]]);
    expect(board.columns[1].totals).toEqual([{ currency: "EUR", amountMinor: 123_456, amount: "1234.56" }, { currency: "JPY", amountMinor: 500_000, amount: "500000" }]);
    const forecast = (await call("GET", `/v1/pipelines/${pipeline.id}/forecast?closeFrom=2026-06-01&closeTo=2026-06-30`)).json;
    expect(forecast.totals.map((r: Body) => [r.currency, r.total.amountMinor, r.weighted.amountMinor])).toEqual([["EUR", 123_456, 74_074], ["JPY", 500_000, 300_000]]);
    expect(forecast.byOwner.map((r: Body) => r.key)).toEqual(["ann", "bob"]);
    const conversion = (await call("GET", `/v1/pipelines/${pipeline.id}/conversion`)).json;
    expect(conversion.stages[0]).toMatchObject({ stage: { name: "Discovery" }, entered: 1, advanced: 1, conversionRate: 1 });

    const inUse = await call("PATCH", `/v1/pipelines/${pipeline.id}`, { stages: pipeline.stages.filter((s: Body) => s.id !== proposal) });
    expect(inUse.status).toBe(412);
    expect(inUse.json.detail).toContain("has 2 deal(s)");
  });

  it("refuses bad deals and orders with problem+json naming each field", async () => {
    const pipelines = (await call("GET", "/v1/pipelines")).json.data;
    const fractional = await call("POST", "/v1/deals", { name: "x", pipelineId: pipelines[0].id, amount: { currency: "EUR", amountMinor: 12.5 } });
    expect(fractional.status).toBe(400);
    expect(fractional.headers.get("content-type")).toContain("application/problem+json");
    expect(fractional.json.errors.map((e: Body) => e.field)).toContain("amount.amountMinor");
    const unknownCurrency = await call("POST", "/v1/deals", { name: "x", pipelineId: pipelines[0].id, amount: { currency: "ABC", amountMinor: 5 } });
    expect(unknownCurrency.json.errors).toEqual([{ field: "deal.amount.currencyCode", message: '"ABC" is not an ISO 4217 currency code' }]);
    const unknownPipeline = await call("POST", "/v1/deals", { name: "x", pipelineId: "01900000-0000-7000-8000-000000000000", amount: eur(5) });
    expect(unknownPipeline.status).toBe(400);
    await call("POST", "/v1/products", { sku: "SEAT", name: "Seat", prices: [eur(1_000)], billing: "recurring", interval: "month" });
    const mismatch = await call("POST", "/v1/orders", { contactId: "01900000-0000-7000-8000-000000000001", currency: "EUR", lines: [{ sku: "SEAT", quantity: 1, unitPrice: { currency: "USD", amountMinor: 100 } }] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.errors).toEqual([{ field: "order.lines[0].unitPrice.currencyCode", message: "must be the order's currency (EUR), not USD" }]);
    const negative = await call("POST", "/v1/orders", { contactId: "01900000-0000-7000-8000-000000000001", currency: "EUR", lines: [{ sku: "SEAT", quantity: 1, unitPrice: eur(-1) }] });
    expect(negative.status).toBe(400);
    expect((await call("GET", "/v1/orders")).json.data).toEqual([]);
  });

  it("converts a qualified lead into contacts' records, re-using a duplicate, and shows deals and value in the customer 360", async () => {
    const existing = await call("POST", "/v1/contacts", { givenName: "Katherine", familyName: "Johnson", email: "katherine@nasa.example" });
    expect(existing.status).toBe(201);
    const rules = await call("PUT", "/v1/leads/scoring-rules", { rules: [{ type: "attribute", attribute: "title", match: "contains", values: ["mathematician"], points: 25 }] });
    expect(rules.status).toBe(200);
    const read = await call("GET", "/v1/leads/scoring-rules");
    expect(read.json.rules).toMatchObject([{ attribute: "title", points: 25 }]);
    expect((await call("PUT", "/v1/leads/scoring-rules", { rules: [] }, { "if-match": 'W/"99"' })).status).toBe(412);
    const pipeline = (await call("POST", "/v1/pipelines", { name: "Inbound", stages: [{ name: "New", probability: 10 }, { name: "Won", kind: "won" }, { name: "Lost", kind: "lost" }] })).json;
    const lead = await call("POST", "/v1/leads", { person: { givenName: "Katherine", familyName: "Johnson", email: "Katherine@NASA.example", title: "Mathematician" }, company: { name: "Langley", domain: "langley.example" }, source: "event" });
    expect(lead.status).toBe(201);
    const unqualified = await call("POST", `/v1/leads/${lead.json.id}/convert`, {});
    expect(unqualified.status).toBe(412);
    expect(unqualified.json.detail).toContain("only a qualified lead can be converted");
    expect(lead.json).toMatchObject({ score: 25, scoreReasons: [{ points: 25, description: '+25 title contains "mathematician"' }] });
    expect((await call("GET", `/v1/leads/${lead.json.id}/score-history`)).json.data).toMatchObject([{ score: 25, previousScore: 0, cause: "created" }]);
    expect((await call("GET", `/v1/leads?filter=${encodeURIComponent("score[gte]:20")}&orderBy=score[desc]`)).json.data.map((l: Body) => l.id)).toEqual([lead.json.id]);
    const qualified = await call("PATCH", `/v1/leads/${lead.json.id}`, { status: "qualified" }, { "if-match": lead.headers.get("etag")! });
    expect(qualified.json.status).toBe("qualified");
    const converted = await call("POST", `/v1/leads/${lead.json.id}/convert`, { createOpportunity: true, opportunity: { pipelineId: pipeline.id, amount: eur(50_000) } });
    expect(converted.status).toBe(200);
    expect(converted.json).toMatchObject({ status: "converted", contactId: existing.json.id, conversion: { state: "completed", contactReused: true, organizationReused: false } });

    await call("POST", "/v1/products", { sku: "LAUNCH", name: "Launch", prices: [eur(250_000)] });
    const order = await call("POST", "/v1/orders", { contactId: existing.json.id, currency: "eur", lines: [{ sku: "launch", quantity: 2 }] });
    expect(order.json).toMatchObject({ status: "placed", total: { amountMinor: 500_000, amount: "5000.00" } });
    const value = (await call("GET", `/v1/customers/${existing.json.id}/value`)).json;
    expect(value).toMatchObject({ customerType: "contact", values: [{ currency: "EUR", lifetimeValue: { amountMinor: 500_000 }, orderCount: 1 }], activeProducts: [{ sku: "LAUNCH", quantity: 2 }], totalOrders: 1 });
    const segment = (await call("GET", `/v1/customer-values?filter=${encodeURIComponent("and(lifetimeValue[gte]:10000,activeProduct[eq]:LAUNCH)")}`)).json;
    expect(segment.data.map((v: Body) => v.customerId)).toEqual([existing.json.id]);

    const view = await waitFor(async () => {
      const answer = (await call("GET", `/v1/customers/${existing.json.id}/360`)).json;
      return answer.sections?.deals?.status === "ok" ? answer : undefined;
    });
    expect(view.sections.deals.data.map((d: Body) => d.id)).toEqual([converted.json.dealId]);
    expect(view.sections.customerValue.data.values[0].lifetimeValue.amountMinor).toBe(500_000);
  });
});
