import { isDuplicateKey } from "../src";
import { scratchDatabase } from "./scratch-database";

// What the storage answers when a unique index refuses writes, as the services meet it: a clash
// of one write, and bulk writes that fail in part.
const storage = scratchDatabase("duplicates");

const failureOf = (write: Promise<unknown>) => write.then(() => undefined, (error: unknown) => error);

describe("isDuplicateKey", () => {
  it("tells a write refused by a unique index from one refused for another reason", async () => {
    const documents = storage.collection<{ _id: string; n: number }>("single");
    await documents.insertOne({ _id: "a", n: 1 });
    expect(isDuplicateKey(await failureOf(documents.insertOne({ _id: "a", n: 2 })))).toBe(true);
    // A number field that holds a string: $inc refuses it, and not as a duplicate.
    await storage.collection<{ _id: string; n: string }>("single").insertOne({ _id: "text", n: "one" });
    expect(isDuplicateKey(await failureOf(documents.updateOne({ _id: "text" }, { $inc: { n: 1 } })))).toBe(false);
  });

  it("is true of a bulk write only when every write it refused was a duplicate", async () => {
    const documents = storage.collection<{ _id: string; n: number }>("bulk");
    await documents.insertMany([{ _id: "a", n: 1 }, { _id: "b", n: 2 }]);
    // A number field that holds a string: $inc refuses it, and not as a duplicate.
    await storage.collection<{ _id: string; n: string }>("bulk").insertOne({ _id: "text", n: "one" });
    const duplicates = await failureOf(documents.bulkWrite([{ insertOne: { document: { _id: "a", n: 3 } } }, { insertOne: { document: { _id: "c", n: 3 } } }, { insertOne: { document: { _id: "b", n: 3 } } }], { ordered: false }));
    expect(isDuplicateKey(duplicates)).toBe(true);
    // The error carries the first failure's code (a duplicate) as its own; the second is not one.
    const mixed = await failureOf(documents.bulkWrite([{ insertOne: { document: { _id: "a", n: 4 } } }, { updateOne: { filter: { _id: "text" }, update: { $inc: { n: 1 } } } }], { ordered: false }));
    expect((mixed as { code?: number }).code).toBe(11000);
    expect(isDuplicateKey(mixed)).toBe(false);
  });
});

describe("a bulk write of updates that fails in part", () => {
  // A stale version's upsert collides with the newer document (by design, as timelines store
  // versions); what follows it must still be written unless the bulk write is ordered.
  const writes = [
    { updateOne: { filter: { _id: "record", version: { $lt: 2 } }, update: { $set: { version: 2 } }, upsert: true } },
    { updateOne: { filter: { _id: "record", version: { $lt: 1 } }, update: { $set: { version: 1 } }, upsert: true } },
    { updateOne: { filter: { _id: "after" }, update: { $setOnInsert: { version: 1 } }, upsert: true } },
  ];

  it("goes on after a refused statement when unordered, and says which one was refused", async () => {
    const documents = storage.collection<{ _id: string; version: number }>("unordered");
    const error = (await failureOf(documents.bulkWrite(writes, { ordered: false }))) as { writeErrors: Array<{ index: number }>; result: { upsertedIds: Record<number, string> } };
    expect(isDuplicateKey(error)).toBe(true);
    expect(error.writeErrors.map((e) => e.index)).toEqual([1]);
    expect(error.result.upsertedIds).toEqual({ 0: "record", 2: "after" });
    expect(await documents.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: "after", version: 1 }, { _id: "record", version: 2 }]);
  });

  it("stops at the refused statement when ordered", async () => {
    const documents = storage.collection<{ _id: string; version: number }>("ordered");
    const error = (await failureOf(documents.bulkWrite(writes, { ordered: true }))) as { writeErrors: Array<{ index: number }> };
    expect(error.writeErrors.map((e) => e.index)).toEqual([1]);
    expect(await documents.find().toArray()).toEqual([{ _id: "record", version: 2 }]);
  });
});
