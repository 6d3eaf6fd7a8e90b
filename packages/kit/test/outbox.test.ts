import { testInfra, uniqueName } from "@crm/testing";
import { Schema, type Connection } from "mongoose";
import {
  appendToOutbox,
  connectMongo,
  createLogger,
  EventBus,
  OutboxRelay,
  outboxEvent,
  outboxPlugin,
  tenantScopePlugin,
  TenantScopeError,
  type OutboxEvent,
} from "../src";

// Against the real FerretDB (or MongoDB) and NATS started by scripts/test.sh.
const log = createLogger("outbox-test", "silent");
let mongo: Connection;
let bus: EventBus;
const streamName = uniqueName("OUTBOX");
const subject = `${streamName.toLowerCase()}.note.created`;

interface Note {
  _id: string;
  tenantId: string;
  text: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}
const noteSchema = new Schema<Note>({ _id: String, text: String }, { versionKey: false });
noteSchema.plugin(tenantScopePlugin);
noteSchema.plugin(outboxPlugin);

beforeAll(async () => {
  const infra = testInfra();
  mongo = await connectMongo(infra.mongodbUrl, uniqueName("outbox"));
  bus = await EventBus.connect(infra.natsUrl, "outbox-test", log);
  await bus.ensureStream(streamName, [`${streamName.toLowerCase()}.>`]);
});

afterAll(async () => {
  await bus.jsm.streams.delete(streamName);
  await bus.close();
  await mongo.dropDatabase();
  await mongo.close();
});

const event = (tenantId: string) => outboxEvent({ subject, type: "test.NoteCreated", tenantId, payload: new TextEncoder().encode("hi") });
const streamCount = async () => (await bus.jsm.streams.info(streamName)).state.messages;

describe("outbox", () => {
  it("publishes the events written with a change, then removes them from the document", async () => {
    const Note = mongo.model<Note>("Note", noteSchema);
    const relay = new OutboxRelay({ bus, models: [Note], log, sweepIntervalMs: 60_000 });
    const first = event("t1");
    await Note.create({ _id: "n1", tenantId: "t1", text: "a", outbox: [first], outboxSince: new Date() });
    await Note.updateOne({ tenantId: "t1", _id: "n1" }, { ...appendToOutbox([event("t1")]), $inc: { revision: 1 } });
    relay.notify(Note, "n1");
    await relay.idle();
    expect(await streamCount()).toBe(2);
    const stored = await Note.findOne({ tenantId: "t1", _id: "n1" }).lean();
    expect(stored?.outbox).toEqual([]);
    expect(stored?.outboxSince).toBeUndefined();
    const message = await bus.jsm.streams.getMessage(streamName, { seq: 1 });
    expect(message?.header.get("Nats-Msg-Id")).toBe(first.id);
    await relay.stop();
  });

  it("keeps events while NATS is unreachable and publishes them once it is back", async () => {
    const Draft = mongo.model<Note>("Draft", noteSchema);
    const before = await streamCount();
    const offline = await EventBus.connect(testInfra().natsUrl, "offline", log);
    await offline.close();
    const relay = new OutboxRelay({ bus: offline, models: [Draft], log, sweepIntervalMs: 60_000 });
    await Draft.create({ _id: "d1", tenantId: "t1", text: "x", outbox: [event("t1")], outboxSince: new Date() });
    relay.notify(Draft, "d1");
    await relay.idle();
    expect((await Draft.findOne({ tenantId: "t1", _id: "d1" }).lean())?.outbox).toHaveLength(1);
    await relay.stop();

    // A relay that starts later (a restarted process) sweeps what was left.
    const recovered = new OutboxRelay({ bus, models: [Draft], log, sweepIntervalMs: 60_000 });
    recovered.start();
    await recovered.idle();
    expect(await streamCount()).toBe(before + 1);
    expect((await Draft.findOne({ tenantId: "t1", _id: "d1" }).lean())?.outbox).toEqual([]);
    await recovered.stop();
  });

  it("refuses queries that do not name a tenant", async () => {
    const Note = mongo.model<Note>("Note");
    await expect(Note.find({ text: "a" })).rejects.toBeInstanceOf(TenantScopeError);
    await expect(Note.updateMany({}, { $set: { text: "z" } })).rejects.toBeInstanceOf(TenantScopeError);
    await expect(Note.aggregate([{ $match: {} }])).rejects.toBeInstanceOf(TenantScopeError);
    await expect(Note.countDocuments({ tenantId: "t1" })).resolves.toBe(1);
  });
});
