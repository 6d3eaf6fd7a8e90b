// Differential check of the FerretDB patch (scripts/check-ferretdb.sh runs it): the same data,
// writes and queries on a FerretDB with pushdown (A) and on the same binary without it (B, the
// handler alone: every document read, filtered and sorted in memory). Every result, ids in
// order, must be identical. Collections: "clean" (one type per field, so sorts are pushed down)
// and "dirty" (missing fields, nulls, other types, arrays where scalars are expected).
//   A=mongodb://… B=mongodb://… SEED=1 N=400 Q=400 node scripts/ferretdb-check.mjs
import { createRequire } from "node:module";
const require = createRequire(new URL("../packages/kit/package.json", import.meta.url));
const { MongoClient } = require("mongodb");

const [uriA, uriB] = [process.env.A, process.env.B];
if (!uriA || !uriB) throw new Error("set A and B to the two FerretDB URLs");
const seed = Number(process.env.SEED ?? 1);
const N = Number(process.env.N ?? 400);
const Q = Number(process.env.Q ?? 400);
let s = seed;
const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const some = (a, max) => a.filter(() => rnd() < max / a.length);

const a = new MongoClient(uriA), b = new MongoClient(uriB);
await a.connect(); await b.connect();
const dbName = `diff_${Date.now()}`;
const ca = (n) => a.db(dbName).collection(n), cb = (n) => b.db(dbName).collection(n);

const TAGS = ["vip", "new", "x", "y", "zz"];
const TOK = ["ad", "ada", "al", "ala", "alan", "gr", "gra", "b", "bo"];
const COUNTRY = ["PL", "GB", "RO", "US"];
const NAMES = ["Ada", "ada", "Ádám", "Zoë", "zoe", "Łukasz", "", "Bob", "bob", "Al"];
const base = Date.UTC(2025, 0, 1);
function doc(i, dirty) {
  const d = { _id: `id${String(i).padStart(5, "0")}${pick(["", "a", "Z"])}`, t: pick(["A", "A", "B"]), s: pick(["active", "active", "active", "merged"]) };
  d.c = new Date(base + Math.floor(rnd() * 50) * 3600_000); // ties on purpose
  d.name = pick(NAMES);
  d.tags = some(TAGS, 2);
  d.tok = some(TOK, 3);
  d.a = Array.from({ length: Math.floor(rnd() * 3) }, () => ({ country: pick(COUNTRY), city: pick(["x", "y"]) }));
  d.n = pick([1, 2, 2.5, -1, 0, 10, 3]);
  if (rnd() < 0.6) d.li = new Date(base + Math.floor(rnd() * 100) * 86400_000);
  if (dirty) {
    const r = rnd();
    if (r < 0.05) delete d.c;
    else if (r < 0.1) d.c = null;
    else if (r < 0.13) d.c = "2025-01-01";
    else if (r < 0.16) d.c = [new Date(base), new Date(base + 7200_000)];
    else if (r < 0.18) d.c = 5;
    if (rnd() < 0.05) d.name = [pick(NAMES), pick(NAMES)];
    if (rnd() < 0.05) d.name = { x: 1 };
    if (rnd() < 0.05) d.tags = pick(TAGS);
    if (rnd() < 0.03) d.tags = [];
    if (rnd() < 0.05) d.li = "soon";
    if (rnd() < 0.05) d.li = [new Date(base), new Date(base + 86400_000 * 50)];
    if (rnd() < 0.05) d.a = { country: pick(COUNTRY) };
    if (rnd() < 0.05) d.n = pick(["3", null, [1, 5], true]);
  }
  return d;
}
const INDEXES = [
  { t: 1, s: 1, c: -1, _id: -1 },
  { t: 1, s: 1, name: 1, _id: 1 },
  { t: 1, tags: 1 },
  { t: 1, s: 1, tags: 1, c: -1, _id: -1 },
  { t: 1, s: 1, tok: 1, c: -1, _id: -1 },
  { t: 1, s: 1, "a.country": 1, c: -1, _id: -1 },
  { t: 1, n: 1 },
  { t: 1, s: 1, li: -1, _id: -1 },
];

/** The id of a stored document, or of none (past the last, or with another suffix). */
const anyId = () => `id${String(Math.floor(rnd() * 1.2 * N)).padStart(5, "0")}${pick(["", "a", "Z"])}`;

function filter() {
  const f = { t: pick(["A", "B"]) };
  if (rnd() < 0.8) f.s = "active";
  const and = [];
  const r = rnd();
  if (r < 0.15) and.push({ tags: pick(TAGS) });
  else if (r < 0.25) and.push({ tags: { $in: some(TAGS, 2).concat(pick(TAGS)) } });
  else if (r < 0.45) f.tok = { $all: Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(TOK)) };
  else if (r < 0.55) and.push({ "a.country": pick(COUNTRY) });
  else if (r < 0.62) and.push({ n: { [pick(["$gt", "$gte", "$lt", "$lte"])]: pick([0, 2, 2.5, 5]) } });
  else if (r < 0.72) and.push({ li: { [pick(["$gt", "$gte", "$lt", "$lte"])]: new Date(base + Math.floor(rnd() * 100) * 86400_000) } });
  else if (r < 0.78) and.push({ c: { $gte: new Date(base + 10 * 3600_000), $lt: new Date(base + 30 * 3600_000) } });
  else if (r < 0.82) and.push({ name: pick(NAMES) });
  else if (r < 0.85) and.push({ $or: [{ tags: "vip" }, { n: 2 }] });
  // A batch of look-ups by _id (the _id index), some of them missing or of another type.
  else if (r < 0.9) f._id = { $in: Array.from({ length: 1 + Math.floor(rnd() * 8) }, anyId) };
  else if (r < 0.92) f._id = { $in: [`id${String(Math.floor(rnd() * N)).padStart(5, "0")}`, 7, null] };
  // A batch of thousands (an import's match-key look-up), past the first limit of 1 000 values.
  else if (r < 0.93) f._id = { $in: Array.from({ length: 900 + Math.floor(rnd() * 3000) }, anyId) };
  if (and.length) f.$and = and;
  return f;
}
const SORTS = [null, { c: -1, _id: -1 }, { c: 1, _id: 1 }, { name: 1, _id: 1 }, { name: -1, _id: -1 }, { li: -1, _id: -1 }, { n: 1, _id: 1 }];
// A cursor after a document of a page, as paginate() builds it.
function cursor(sort, row, f) {
  const [field] = Object.keys(sort);
  const op = sort[field] === 1 ? "$gt" : "$lt";
  const v = row[field] ?? null;
  const extra = { $or: [{ [field]: { [op]: v } }, { [field]: v, _id: { [op]: row._id } }] };
  return { ...f, $and: [...(f.$and ?? []), extra] };
}

async function compare(name, count) {
  let mismatches = 0, sortedChecks = 0;
  for (let q = 0; q < count; q++) {
    const f = filter();
    const sort = pick(SORTS);
    const limit = pick([0, 1, 5, 20, 51]);
    const skip = rnd() < 0.1 ? 3 : 0;
    const run = async (c, ff) => (await c(name).find(ff, { sort: sort ?? undefined, limit, skip }).toArray()).map((d) => d._id);
    let ra = await run(ca, f), rb = await run(cb, f);
    const check = (fa, ra, rb) => {
      if (JSON.stringify(ra) !== JSON.stringify(rb)) {
        mismatches++;
        if (mismatches <= 5) console.log("MISMATCH", name, JSON.stringify(fa), JSON.stringify(sort), limit, skip, "\n  test", ra.join(","), "\n  ref ", rb.join(","));
      }
    };
    check(f, ra, rb);
    if (sort && rb.length > 0) {
      // the next page after a middle row
      const row = (await cb(name).find({ _id: rb[Math.floor(rb.length / 2)] }).toArray())[0];
      const fc = cursor(sort, row, f);
      check(fc, await run(ca, fc), await run(cb, fc));
      sortedChecks++;
    }
  }
  return mismatches;
}

let total = 0;
for (const [name, dirty] of [["clean", false], ["dirty", true]]) {
  for (const c of [ca, cb]) for (const key of INDEXES) await c(name).createIndex(key);
  const docs = Array.from({ length: N }, (_, i) => doc(i, dirty));
  for (const c of [ca, cb]) {
    await c(name).insertMany(docs.slice(0, N / 2));
    for (const d of docs.slice(N / 2)) await c(name).insertOne(d);
  }
  total += await compare(name, Q);
  // changes: updates of arrays and types, deletes
  for (let i = 0; i < N / 5; i++) {
    const id = docs[Math.floor(rnd() * N)]._id;
    const r = rnd();
    const upd = r < 0.3 ? { $set: { tags: some(TAGS, 2) } } : r < 0.5 ? { $set: { c: dirty && rnd() < 0.3 ? "str" : new Date(base + 3600_000 * Math.floor(rnd() * 50)) } } : r < 0.6 ? { $unset: { li: 1 } } : r < 0.7 ? { $push: { tok: pick(TOK) } } : null;
    for (const c of [ca, cb]) {
      if (upd) await c(name).updateOne({ _id: id }, upd);
      else await c(name).deleteOne({ _id: id });
    }
  }
  await ca(name).updateMany({ t: "B", tags: "x" }, { $set: { s: "merged" } });
  await cb(name).updateMany({ t: "B", tags: "x" }, { $set: { s: "merged" } });
  await ca(name).deleteMany({ t: "A", tags: "zz" });
  await cb(name).deleteMany({ t: "A", tags: "zz" });
  total += await compare(name, Q);
  const counts = [await ca(name).countDocuments({ t: "A" }), await cb(name).countDocuments({ t: "A" })];
  if (counts[0] !== counts[1]) { total++; console.log("COUNT MISMATCH", counts); }
  console.log(name, "done", counts);
}
console.log(total === 0 ? "ALL IDENTICAL" : `${total} MISMATCHES`);
await a.db(dbName).dropDatabase(); await b.db(dbName).dropDatabase();
await a.close(); await b.close();
process.exit(total === 0 ? 0 : 1);
