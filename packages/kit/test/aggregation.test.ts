import { testInfra, uniqueName } from "@crm/testing";
import type { Connection } from "mongoose";
import { connectMongo } from "../src";

// What reports and forecasts rely on, checked on the storage the tests run on (FerretDB, with
// scripts/patches, or MongoDB): a $group computes every accumulator it declares, as MongoDB does.
let mongo: Connection;

beforeAll(async () => {
  mongo = await connectMongo(testInfra().mongodbUrl, uniqueName("aggregation"));
});
afterAll(async () => {
  await mongo.dropDatabase();
  await mongo.close();
});

describe("$group", () => {
  it("computes each of several accumulators over the whole group (unpatched FerretDB 1.24 answered 0 for all but the first)", async () => {
    const deals = mongo.db!.collection<{ stage: string; amount: number; weighted: number }>("deals");
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
