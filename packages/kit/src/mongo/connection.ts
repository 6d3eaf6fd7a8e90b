import mongoose, { type Connection } from "mongoose";

// Queries must never silently drop unknown filter keys: a typo would widen the result set.
mongoose.set("strictQuery", "throw");

/** One connection per service to its own database. */
export async function connectMongo(url: string, database: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName: database,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: 20,
    autoIndex: false,
  });
  await connection.asPromise();
  return connection;
}

export async function pingMongo(connection: Connection): Promise<void> {
  if (!connection.db) throw new Error("MongoDB is not connected");
  await connection.db.command({ ping: 1 });
}
