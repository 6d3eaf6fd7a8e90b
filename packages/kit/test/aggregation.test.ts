import { scratchDatabase } from "./scratch-database";

// What reports and forecasts rely on, checked on the storage the tests run on (FerretDB, with
// scripts/patches, or MongoDB): a $group computes every accumulator it declares, as MongoDB does.
const storage = scratchDatabase("aggregation");

describe("$group", () => {
  it("computes each of several accumulators over the whole group (unpatched FerretDB 1.24 answered 0 for all but the first)", async () => {
    const deals = storage.collection<{ stage: string; amount: number; weighted: number }>("deals");
    await deals.insertMany([
      { stage: "proposal", amount: 100, weighted: 50 },
      { stage: "proposal", amount: 300, weighted: 150 },
      { stage: "won", amount: 1000, weighted: 1000 },
    ]);
    const totals = await deals
      .aggregate([{ $group: { _id: "$stage", amount: { $sum: "$amount" }, weighted: { $sum: "$weighted" }, deals: { $count: {} }, one: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(totals).toEqual([
      { _id: "proposal", amount: 400, weighted: 200, deals: 2, one: 2 },
      { _id: "won", amount: 1000, weighted: 1000, deals: 1, one: 1 },
    ]);
  });
});
