import { scratchDatabase } from "./scratch-database";

// What the outbox, etags and leases rely on, checked on the storage the tests run on (FerretDB,
// with scripts/patches, or MongoDB): each update applies to a document atomically, so updates of
// one document at the same time all land, and a condition passes for one writer only.
const storage = scratchDatabase("atomic");

describe("updates of one document at the same time", () => {
  it("all land when they set different fields", async () => {
    const documents = storage.collection<{ _id: string; parts: Record<string, boolean> }>("parts");
    for (let round = 0; round < 10; round++) {
      const _id = `round-${round}`;
      await documents.insertOne({ _id, parts: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, false])) });
      await Promise.all(Array.from({ length: 6 }, (_, i) => documents.updateOne({ _id, [`parts.p${i}`]: false }, { $set: { [`parts.p${i}`]: true } })));
      expect(Object.values((await documents.findOne({ _id }))!.parts)).toEqual(Array(6).fill(true));
    }
  });

  it("let one writer through a version condition", async () => {
    const documents = storage.collection<{ _id: string; version: number; writer?: number }>("versions");
    for (let round = 0; round < 10; round++) {
      const _id = `round-${round}`;
      await documents.insertOne({ _id, version: 1 });
      const results = await Promise.all(Array.from({ length: 4 }, (_, writer) => documents.updateOne({ _id, version: 1 }, { $set: { version: 2, writer } })));
      expect(results.map((result) => result.modifiedCount).reduce((a, b) => a + b)).toBe(1);
    }
  });
});

describe("one update command of many statements", () => {
  it("applies every statement (unpatched FerretDB 1.24 waited for ever from 100 on, holding the collection)", async () => {
    const documents = storage.collection<{ _id: string; done: boolean }>("bulk");
    await documents.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: `d${i}`, done: false })));
    const result = await documents.bulkWrite(
      Array.from({ length: 250 }, (_, i) => ({ updateOne: { filter: { _id: `d${i}` }, update: { $set: { done: true } } } })),
      { ordered: false },
    );
    expect(result.modifiedCount).toBe(250);
    // The collection takes updates afterwards.
    expect((await documents.updateOne({ _id: "d0" }, { $set: { done: false } })).modifiedCount).toBe(1);
  });
});
