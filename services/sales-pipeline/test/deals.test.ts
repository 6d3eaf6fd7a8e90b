import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { eventsV1, salesPipelineV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { apiOf, grpcError, startTestService, tenant, waitFor, where, type DeepPartial, type TestService } from "./support";

// Pipelines, deals and the views over them, on the real FerretDB, NATS and Redis.
let harness: TestService;
let api: ReturnType<typeof apiOf>;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("sales_deals");
  api = apiOf(harness.client);
  published = await EventWatcher.start("crm.sales-pipeline.deal.>");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

type Who = ReturnType<typeof tenant>;
const STAGES = [
  { name: "Qualify", probability: 10, kind: "open" },
  { name: "Propose", probability: 40, kind: "open" },
  { name: "Negotiate", probability: 75, kind: "open" },
  { name: "Won", kind: "won" },
  { name: "Lost", kind: "lost" },
];
const newPipeline = async (who: Who) => (await api.createPipeline(who, { pipeline: { name: "New business", stages: STAGES } })).pipeline!;
const stageId = (pipeline: salesPipelineV1.Pipeline, name: string) => pipeline.stages.find((s) => s.name === name)!.id;
const money = (currencyCode: string, minor: number) => ({ currencyCode, amountMinor: String(minor) });
const newDeal = async (who: Who, pipeline: salesPipelineV1.Pipeline, fields: DeepPartial<salesPipelineV1.DealInput>) =>
  (await api.createDeal(who, { deal: { name: "Deal", pipelineId: pipeline.id, amount: money("EUR", 1000), ...fields } })).deal!;
const move = async (who: Who, deal: salesPipelineV1.Deal, stage: string, extra: DeepPartial<salesPipelineV1.DealInput> = {}, mask: string[] = []) =>
  (await api.updateDeal(who, { id: deal.id, deal: { stageId: stage, ...extra }, updateMask: ["stageId", ...mask], etag: deal.etag })).deal!;

describe("pipelines", () => {
  it("refuses bad stages, and a stage in use cannot be removed without moving its deals", async () => {
    const who = tenant("pipelines");
    const bad = await grpcError(api.createPipeline(who, { pipeline: { name: "", stages: [{ name: "Only", kind: "won", probability: 50 }] } }));
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(["pipeline.name", "pipeline.stages[0].probability", "pipeline.stages", "pipeline.stages"]);
    const pipeline = await newPipeline(who);
    expect(pipeline.stages.map((s) => [s.name, s.probability, s.kind])).toEqual([["Qualify", 10, "open"], ["Propose", 40, "open"], ["Negotiate", 75, "open"], ["Won", 100, "won"], ["Lost", 0, "lost"]]);
    const deal = await newDeal(who, pipeline, { stageId: stageId(pipeline, "Propose") });
    const withoutPropose = pipeline.stages.filter((s) => s.name !== "Propose");
    const refused = await grpcError(api.updatePipeline(who, { id: pipeline.id, pipeline: { stages: withoutPropose }, updateMask: ["stages"], etag: pipeline.etag }));
    expect(refused.code).toBe(Status.FAILED_PRECONDITION);
    expect(refused.details).toContain("has 1 deal(s)");
    expect((await api.getPipeline(who, { id: pipeline.id })).pipeline!.stages).toHaveLength(5);
    const updated = await api.updatePipeline(who, { id: pipeline.id, pipeline: { stages: withoutPropose }, updateMask: ["stages"], etag: pipeline.etag, stageMoves: { [stageId(pipeline, "Propose")]: stageId(pipeline, "Negotiate") } });
    expect(updated).toMatchObject({ movedDeals: 1 });
    expect(updated.pipeline!.stages.map((s) => s.name)).toEqual(["Qualify", "Negotiate", "Won", "Lost"]);
    const moved = (await api.getDeal(who, { id: deal.id })).deal!;
    expect(moved).toMatchObject({ stageName: "Negotiate", probability: 75 });
    expect(moved.stageHistory.map((v) => [v.stageName, v.exit])).toEqual([["Propose", "forward"], ["Negotiate", ""]]);
  });
});

describe("deals", () => {
  it("moves through stages with their history and events; won and lost are announced", async () => {
    const who = tenant("moves");
    const pipeline = await newPipeline(who);
    const contactId = uuidv7();
    const deal = await newDeal(who, pipeline, { stakeholders: [{ contactId, role: "champion" }], organizationId: uuidv7(), competitors: [{ organizationId: uuidv7(), notes: "cheaper" }] });
    expect(deal).toMatchObject({ stageName: "Qualify", status: "open", probability: 10, weightedAmount: money("EUR", 100) });
    const proposed = await move(who, deal, stageId(pipeline, "Propose"), { probability: 55 }, ["probability"]);
    expect(proposed).toMatchObject({ probability: 55, probabilityOverridden: true, weightedAmount: money("EUR", 550) });
    const back = await move(who, proposed, stageId(pipeline, "Qualify"));
    const won = await move(who, back, stageId(pipeline, "Won"), { closeReason: "Best fit" }, ["closeReason"]);
    expect(won).toMatchObject({ status: "won", probability: 100, closeReason: "Best fit" });
    expect(won.closeTime).toBeInstanceOf(Date);
    expect(won.stageHistory.map((v) => [v.stageName, v.exit])).toEqual([["Qualify", "forward"], ["Propose", "back"], ["Qualify", "forward"], ["Won", ""]]);
    expect(won.stageHistory[1]!.exitTime).toEqual(won.stageHistory[2]!.enterTime);

    const wonEvent = await published.next((e) => e.subject === "crm.sales-pipeline.deal.won" && eventsV1.DealWon.decode(e.payload).dealId === deal.id);
    expect(eventsV1.DealWon.decode(wonEvent.payload)).toMatchObject({ pipelineId: pipeline.id, amount: money("EUR", 1000), contactIds: [contactId] });
    const changes = published.seen((e) => e.subject === "crm.sales-pipeline.deal.stage_changed" && eventsV1.DealStageChanged.decode(e.payload).dealId === deal.id);
    expect(changes.map((e) => eventsV1.DealStageChanged.decode(e.payload).toStageName)).toEqual(["Qualify", "Propose", "Qualify", "Won"]);

    const stale = await grpcError(move(who, back, stageId(pipeline, "Lost")));
    expect(stale.code).toBe(Status.FAILED_PRECONDITION);
    const lost = await move(who, won, stageId(pipeline, "Lost"), { closeReason: "Budget" }, ["closeReason"]);
    expect(lost).toMatchObject({ status: "lost", probability: 0 });
    const lostEvent = await published.next((e) => e.subject === "crm.sales-pipeline.deal.lost" && eventsV1.DealLost.decode(e.payload).dealId === deal.id);
    expect(eventsV1.DealLost.decode(lostEvent.payload).reason).toBe("Budget");
  });

  it("refuses an unknown pipeline or stage, bad amounts and currencies, changing nothing", async () => {
    const who = tenant("bad_deals");
    const pipeline = await newPipeline(who);
    expect(fieldViolationsOf(await grpcError(newDeal(who, { ...pipeline, id: uuidv7() }, {})))).toEqual([{ field: "deal.pipelineId", description: expect.stringContaining("does not exist") }]);
    const bad = await grpcError(newDeal(who, pipeline, { stageId: uuidv7(), amount: money("EUR", -5) }));
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(["deal.stageId", "deal.amount.amountMinor"]);
    expect(fieldViolationsOf(await grpcError(newDeal(who, pipeline, { amount: money("ZZZ", 5) })))).toEqual([{ field: "deal.amount.currencyCode", description: '"ZZZ" is not an ISO 4217 currency code' }]);
    const deal = await newDeal(who, pipeline, {});
    expect((await grpcError(move(who, deal, uuidv7()))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await api.listDeals(who, {})).deals.map((d) => d.id)).toEqual([deal.id]);
  });

  it("forecasts totals and weighted totals by stage, owner and close month per currency, as computed by hand", async () => {
    const who = tenant("forecast");
    const pipeline = await newPipeline(who);
    const [qualify, propose, negotiate, wonStage] = ["Qualify", "Propose", "Negotiate", "Won"].map((name) => stageId(pipeline, name)) as [string, string, string, string];
    await newDeal(who, pipeline, { stageId: qualify, amount: money("EUR", 100_000), ownerId: "ann", expectedCloseDate: "2026-03-10" }); // weighted 10 000
    await newDeal(who, pipeline, { stageId: propose, amount: money("EUR", 50_001), ownerId: "ann", expectedCloseDate: "2026-03-31" }); // 20 000.4 -> 20 000
    await newDeal(who, pipeline, { stageId: propose, amount: money("USD", 70_000), ownerId: "bob", expectedCloseDate: "2026-04-01", probability: 50 }); // 35 000
    await newDeal(who, pipeline, { stageId: negotiate, amount: money("JPY", 1_000_000), ownerId: "bob", expectedCloseDate: "2026-04-15" }); // 750 000
    await newDeal(who, pipeline, { stageId: wonStage, amount: money("EUR", 30_000), ownerId: "bob", expectedCloseDate: "2026-04-20" }); // 30 000
    await newDeal(who, pipeline, { stageId: qualify, amount: money("EUR", 999), ownerId: "ann", expectedCloseDate: "2026-07-01" }); // outside the range

    const forecast = await api.getForecast(who, { pipelineId: pipeline.id, closeFrom: "2026-03-01", closeTo: "2026-04-30" });
    const rows = (list: salesPipelineV1.ForecastRow[]) => list.map((r) => [r.label, r.currencyCode, Number(r.dealCount), Number(r.totalMinor), Number(r.weightedMinor)]);
    expect(rows(forecast.byStage)).toEqual([
      ["Qualify", "EUR", 1, 100_000, 10_000],
      ["Propose", "EUR", 1, 50_001, 20_000],
      ["Propose", "USD", 1, 70_000, 35_000],
      ["Negotiate", "JPY", 1, 1_000_000, 750_000],
      ["Won", "EUR", 1, 30_000, 30_000],
    ]);
    expect(rows(forecast.byOwner)).toEqual([
      ["ann", "EUR", 2, 150_001, 30_000],
      ["bob", "EUR", 1, 30_000, 30_000],
      ["bob", "JPY", 1, 1_000_000, 750_000],
      ["bob", "USD", 1, 70_000, 35_000],
    ]);
    expect(rows(forecast.byCloseMonth)).toEqual([
      ["2026-03", "EUR", 2, 150_001, 30_000],
      ["2026-04", "EUR", 1, 30_000, 30_000],
      ["2026-04", "JPY", 1, 1_000_000, 750_000],
      ["2026-04", "USD", 1, 70_000, 35_000],
    ]);
    expect(rows(forecast.totals)).toEqual([["total", "EUR", 3, 180_001, 60_000], ["total", "JPY", 1, 1_000_000, 750_000], ["total", "USD", 1, 70_000, 35_000]]);
    const openOnly = await api.getForecast(who, { pipelineId: pipeline.id, closeFrom: "2026-03-01", closeTo: "2026-04-30", filter: where("status", "eq", "open") });
    expect(rows(openOnly.totals)).toEqual([["total", "EUR", 2, 150_001, 30_000], ["total", "JPY", 1, 1_000_000, 750_000], ["total", "USD", 1, 70_000, 35_000]]);
    expect(fieldViolationsOf(await grpcError(api.getForecast(who, { pipelineId: pipeline.id, closeFrom: "2026-05-01", closeTo: "2026-04-01" })))).toEqual([{ field: "closeTo", description: "is before closeFrom" }]);
    // A range that cuts a month is summed from the deals themselves: the same figures where it agrees.
    const cut = await api.getForecast(who, { pipelineId: pipeline.id, closeFrom: "2026-03-15", closeTo: "2026-04-16" });
    expect(rows(cut.totals)).toEqual([["total", "EUR", 1, 50_001, 20_000], ["total", "JPY", 1, 1_000_000, 750_000], ["total", "USD", 1, 70_000, 35_000]]);
  });

  it("keeps the forecast cells right through moves and changes, and rebuilds those a crash left stale", async () => {
    const who = tenant("cells");
    const pipeline = await newPipeline(who);
    const deal = await newDeal(who, pipeline, { amount: money("EUR", 10_000), ownerId: "ann", expectedCloseDate: "2026-05-05" });
    const moved = await move(who, deal, stageId(pipeline, "Negotiate"), { ownerId: "bob", amount: money("EUR", 20_000) }, ["ownerId", "amount"]);
    const may = { pipelineId: pipeline.id, closeFrom: "2026-05-01", closeTo: "2026-05-31" };
    const summary = (f: salesPipelineV1.GetForecastResponse) => f.byStage.map((r) => [r.label, r.dealCount, r.weightedMinor]).concat(f.byOwner.map((r) => [r.label, r.dealCount, r.totalMinor]));
    expect(summary(await api.getForecast(who, may))).toEqual([["Negotiate", "1", "15000"], ["bob", "1", "20000"]]);
    // As if the process died after the deal's write and before its cells: the cells are gone, the deal marked.
    const { models } = harness.service;
    await models.forecastCell.deleteMany({ tenantId: who.tenantId });
    await models.deal.updateOne({ _id: moved.id, tenantId: who.tenantId }, { $set: { cellsPendingSince: new Date(Date.now() - 60_000) } });
    await waitFor(async () => ((await api.getForecast(who, may)).totals.length === 1 ? true : undefined));
    expect(summary(await api.getForecast(who, may))).toEqual([["Negotiate", "1", "15000"], ["bob", "1", "20000"]]);
    expect((await api.getBoard(who, { pipelineId: pipeline.id })).columns.map((c) => c.dealCount)).toEqual(["0", "0", "1", "0", "0"]);
  });

  it("computes stage conversion and days per stage over a range from the stage history", async () => {
    const who = tenant("conversion");
    const pipeline = await newPipeline(who);
    const from = new Date();
    const [qualify, propose, won, lost] = ["Qualify", "Propose", "Won", "Lost"].map((name) => stageId(pipeline, name)) as [string, string, string, string];
    // Four deals enter Qualify; two go on to Propose (one of them is then won), one is lost, one stays.
    const deals = await Promise.all([1, 2, 3, 4].map((n) => newDeal(who, pipeline, { name: `D${n}` })));
    const d1 = await move(who, deals[0]!, propose);
    const d2 = await move(who, deals[1]!, propose);
    await move(who, deals[2]!, lost);
    const d1won = await move(who, d1, won);
    const to = new Date(Date.now() + 1000);

    const figures = await api.getStageConversion(who, { pipelineId: pipeline.id, fromTime: from, toTime: to });
    const byName = Object.fromEntries(figures.stages.map((s) => [s.stage!.name, s]));
    expect(byName.Qualify).toMatchObject({ entered: "4", advanced: "2", lost: "1", conversionRate: 0.5 });
    expect(byName.Propose).toMatchObject({ entered: "2", advanced: "1", conversionRate: 0.5 });
    expect(byName.Won).toMatchObject({ entered: "1", advanced: "0" });
    expect(figures).toMatchObject({ won: "1", lost: "1", winRate: 0.5 });
    // Average days in Qualify: the three stays that ended, from each deal's own history.
    const stays = [d1won, d2, (await api.getDeal(who, { id: deals[2]!.id })).deal!].map((d) => d.stageHistory[0]!);
    const expectedDays = stays.reduce((sum, v) => sum + (v.exitTime!.getTime() - v.enterTime!.getTime()), 0) / 3 / 86_400_000;
    expect(byName.Qualify!.averageDays).toBeCloseTo(expectedDays, 12);
    expect(qualify).toBeTruthy();
    // A range before any of it counts nothing.
    const before = await api.getStageConversion(who, { pipelineId: pipeline.id, fromTime: new Date(0), toTime: from });
    expect(before.stages.every((s) => s.entered === "0")).toBe(true);
  });

  it("shows a board: deals grouped by stage, with counts and totals, paged per stage", async () => {
    const who = tenant("board");
    const pipeline = await newPipeline(who);
    const propose = stageId(pipeline, "Propose");
    for (let n = 1; n <= 5; n++) await newDeal(who, pipeline, { name: `P${n}`, stageId: propose, amount: money(n % 2 ? "EUR" : "USD", n * 100) });
    await newDeal(who, pipeline, { name: "Q1" });
    const board = await api.getBoard(who, { pipelineId: pipeline.id, pageSize: 2 });
    expect(board.columns.map((c) => [c.stage!.name, c.dealCount, c.deals.length])).toEqual([["Qualify", "1", 1], ["Propose", "5", 2], ["Negotiate", "0", 0], ["Won", "0", 0], ["Lost", "0", 0]]);
    const column = board.columns[1]!;
    expect(column.totals).toEqual([money("EUR", 900), money("USD", 600)]);
    expect(column.deals.map((d) => d.name)).toEqual(["P5", "P4"]);
    const next = await api.getBoard(who, { pipelineId: pipeline.id, pageSize: 2, stageId: propose, pageToken: column.pageInfo!.endCursor });
    expect(next.columns.map((c) => c.deals.map((d) => d.name))).toEqual([["P3", "P2"]]);
    const euros = await api.getBoard(who, { pipelineId: pipeline.id, stageId: propose, filter: where("currency", "eq", "eur") });
    expect(euros.columns[0]!.deals.map((d) => d.name)).toEqual(["P5", "P3", "P1"]);
  });
});
