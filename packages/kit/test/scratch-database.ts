import { testInfra, uniqueName } from "@crm/testing";
import type { Document } from "mongodb";
import type { Connection } from "mongoose";
import { connectMongo } from "../src";

/**
 * A database of the storage the tests run on (FerretDB with scripts/patches, or MongoDB), of its
 * own for one test file: opened before its tests, dropped after them.
 */
export function scratchDatabase(prefix: string) {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectMongo(testInfra().mongodbUrl, uniqueName(prefix));
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });
  return { collection: <T extends Document>(name: string) => connection.db!.collection<T>(name) };
}
