// The request-path benchmark (scripts/bench-path.sh starts the processes and runs this).
// Seeds CONTACTS contacts through the gateway, warms the caches, then runs ROUNDS rounds; each
// round runs every target for DURATION with VUS clients (k6), in an order that rotates per round,
// so that the machine's noise falls on all targets alike. CPU per request comes from
// /proc/<pid>/stat around each phase; ratios are taken within each round, then their median.
// Then SOAK gets through the gateway twice (RSS after each), then event latency at EVENT_RATE/s.
// Prints one table and writes results.json to WORK.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityKey, signIdentity } from "@crm/kit";

const env = process.env;
const ROUNDS = Number(env.ROUNDS ?? 10);
const DURATION = env.DURATION ?? "4s";
const VUS = Number(env.VUS ?? 8);
const CONTACTS = Number(env.CONTACTS ?? 2_000);
const SOAK = Number(env.SOAK ?? 50_000);
const EVENT_RATE = Number(env.EVENT_RATE ?? 500);
const WORK = env.WORK;
const here = import.meta.dirname;
/** name=pid pairs of every process whose CPU and memory are reported. */
const pids = Object.fromEntries(env.PIDS.split(",").map((pair) => pair.split("=")).map(([name, pid]) => [name, Number(pid)]));
const ALL_TARGETS = ["gateway-get", "grpc-get", "baseline-get", "baseline-cached-get", "gateway-create", "grpc-create", "baseline-create"];
/** TARGETS=gateway-get,grpc-get runs only those (for quick experiments); SOAK=0 and EVENT_RATE=0 skip those parts. */
const TARGETS = env.TARGETS ? env.TARGETS.split(",") : ALL_TARGETS;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

// ---- /proc ---------------------------------------------------------------------------------
const TICK_MS = 10; // USER_HZ is 100 on Linux
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}
const cpuAll = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line[1]) / 1024;
}
const rssAll = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));

// ---- seeding -------------------------------------------------------------------------------
const auth = { Authorization: `Bearer ${env.TOKEN}` };
async function seed() {
  const ids = [];
  let next = 0;
  const worker = async () => {
    while (next < CONTACTS) {
      const i = next++;
      const response = await fetch(`${env.GATEWAY_URL}/v1/contacts`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": `seed-${env.RUN}-${i}` },
        body: JSON.stringify({
          givenName: `Seed${i}`,
          familyName: `Person${env.RUN}x${i}`,
          email: `seed${i}.${env.RUN}@bench.example`,
          phone: `+48 6${String(10_000_000 + i).slice(-8)}`,
          addresses: [{ city: "Warsaw", country: "PL" }],
          tags: i % 10 === 0 ? ["vip"] : [],
          type: i % 3 === 0 ? "customer" : "prospect",
        }),
      });
      if (response.status !== 201) throw new Error(`seed create answered ${response.status}: ${await response.text()}`);
      ids.push((await response.json()).id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

async function warm(ids) {
  const urls = [
    (id) => [`${env.GATEWAY_URL}/v1/contacts/${id}`, { headers: auth }],
    (id) => [`${env.BASELINE_URL}/contacts/${id}`, {}],
    (id) => [`${env.BASELINE_CACHED_URL}/contacts/${id}`, {}],
  ];
  for (const url of urls) {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const response = await fetch(...url(ids[next++]));
        if (response.status !== 200) throw new Error(`warm-up read answered ${response.status}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}

// ---- k6 ------------------------------------------------------------------------------------
async function k6(target, extra = {}) {
  const summaryFile = join(WORK, `summary-${target}.json`);
  const vars = {
    TARGET: target, VUS, DURATION, SUMMARY_FILE: summaryFile, IDS_FILE: join(WORK, "ids.json"), PROTO_ROOT: env.PROTO_ROOT,
    GATEWAY_URL: env.GATEWAY_URL, BASELINE_URL: env.BASELINE_URL, BASELINE_CACHED_URL: env.BASELINE_CACHED_URL,
    CONTACTS_ADDRESS: env.CONTACTS_ADDRESS, TOKEN: env.TOKEN, IDENTITY_TOKEN: env.IDENTITY_TOKEN, RUN: `${env.RUN}r${Math.random().toString(36).slice(2, 6)}`,
    ...extra,
  };
  const args = ["run", "--quiet", "--no-usage-report", ...Object.entries(vars).flatMap(([k, v]) => ["-e", `${k}=${v}`]), join(here, "load.js")];
  const output = [];
  const child = spawn(env.K6, args, { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr.on("data", (chunk) => output.push(chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`k6 ${target} exited with ${code}:\n${Buffer.concat(output).toString().slice(-2_000)}`);
  return JSON.parse(readFileSync(summaryFile, "utf8"));
}

async function phase(target, extra) {
  const before = cpuAll();
  const result = await k6(target, extra);
  const after = cpuAll();
  result.cpuMs = Object.fromEntries(Object.keys(pids).map((name) => [name, after[name] - before[name]]));
  return result;
}

// ---- events --------------------------------------------------------------------------------
async function events() {
  const child = spawn(process.execPath, ["--require", "@crm/kit/telemetry", join(here, "events.mjs")], {
    cwd: here,
    env: { ...env, SERVICE_NAME: "bench-events", RATE: String(EVENT_RATE), SECONDS: env.EVENT_SECONDS ?? "10" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`events.mjs exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1));
}

// ---- outbox sweep ------------------------------------------------------------------------------
/** The relay's sweep query, as it runs every few minutes, timed with the storage's CPU. */
async function sweepCost() {
  const { default: mongoose } = await import("mongoose");
  const connection = await mongoose.createConnection(env.MONGODB_URL, { dbName: env.MONGODB_DATABASE }).asPromise();
  const contacts = connection.db.collection("contacts");
  const documents = await contacts.estimatedDocumentCount();
  const runs = 3;
  const cpuBefore = pids.storage ? cpuMs(pids.storage) : NaN;
  const started = performance.now();
  let pending = 0;
  for (let i = 0; i < runs; i++) pending = (await contacts.find({ outboxSince: { $lte: new Date() } }).sort({ outboxSince: 1 }).limit(100).toArray()).length;
  const ms = (performance.now() - started) / runs;
  const storageCpuMs = pids.storage ? (cpuMs(pids.storage) - cpuBefore) / runs : NaN;
  await connection.close();
  return { documents, pending, ms, storageCpuMs };
}

// ---- report --------------------------------------------------------------------------------
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const f = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
const pad = (text, width) => String(text).padStart(width);

function report({ rounds, rss, soak, event, sweep }) {
  const lines = [];
  const processes = Object.keys(pids);
  const header = `${"target".padEnd(20)}${pad("p50 ms", 8)}${pad("p95 ms", 8)}${pad("p99 ms", 8)}${pad("req/s", 8)}${pad("fail", 6)}  CPU ms/req: ${processes.map((p) => pad(p, 11)).join("")}`;
  lines.push(header, "-".repeat(header.length));
  const totals = {};
  for (const target of TARGETS) {
    const runs = rounds.map((round) => round[target]);
    const requests = runs.reduce((sum, r) => sum + r.requests, 0);
    const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
    const cpu = Object.fromEntries(processes.map((p) => [p, runs.reduce((sum, r) => sum + r.cpuMs[p], 0) / requests]));
    totals[target] = { p50: median(runs.map((r) => r.p50)), p95: median(runs.map((r) => r.p95)), p99: median(runs.map((r) => r.p99)), rps: requests / seconds, requests, failed: runs.reduce((s, r) => s + r.failed, 0), cpu };
    const t = totals[target];
    lines.push(`${target.padEnd(20)}${pad(f(t.p50), 8)}${pad(f(t.p95), 8)}${pad(f(t.p99), 8)}${pad(f(t.rps, 0), 8)}${pad(t.failed, 6)}              ${processes.map((p) => pad(f(cpu[p], 3), 11)).join("")}`);
  }
  const ratio = (a, b, key) => median(rounds.map((round) => (key === "rps" ? round[a].requests / round[a].seconds / (round[b].requests / round[b].seconds) : round[a][key] / round[b][key])));
  lines.push("", "ratios (per round, median over rounds)");
  const pairs = [["gateway-get", "grpc-get"], ["gateway-create", "grpc-create"], ["gateway-get", "baseline-cached-get"], ["gateway-get", "baseline-get"], ["gateway-create", "baseline-create"]];
  for (const [a, b] of pairs.filter((pair) => pair.every((t) => TARGETS.includes(t)))) {
    lines.push(`  ${`${a} / ${b}`.padEnd(42)} p50 ${f(ratio(a, b, "p50"))}x  p99 ${f(ratio(a, b, "p99"))}x  throughput ${f(ratio(a, b, "rps"))}x`);
  }
  lines.push("", `RSS MiB            ${processes.map((p) => pad(p, 11)).join("")}`);
  for (const [when, values] of Object.entries(rss)) lines.push(`  ${when.padEnd(17)}${processes.map((p) => pad(f(values[p], 0), 11)).join("")}`);
  for (const [i, s] of soak.entries()) lines.push(`  soak ${i + 1}: ${s.requests} gateway gets, ${f(s.requests / s.seconds, 0)} req/s, p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms, ${s.failed} failed, gateway CPU ${f(s.cpuMs.gateway / s.requests, 3)} ms/req`);
  if (event) lines.push("", `events publish->consume at ${f(event.rate, 0)}/s: p50 ${f(event.p50)} ms, p99 ${f(event.p99)} ms, max ${f(event.max)} ms (${event.consumed}/${event.sent} consumed, ${event.failed} failed)`);
  lines.push(`outbox sweep over ${sweep.documents} contacts (${sweep.pending} pending): ${f(sweep.ms, 1)} ms, storage CPU ${f(sweep.storageCpuMs, 0)} ms`);
  lines.push("", `(${ROUNDS} rounds x ${DURATION} per target, ${VUS} clients, ${CONTACTS} contacts; p50/p95/p99: median over rounds; CPU from /proc over all rounds)`);
  return { text: lines.join("\n"), totals };
}

// ---- main ----------------------------------------------------------------------------------
const identity = { subject: "bench-admin", tenantId: env.TENANT, roles: ["admin"], scopes: [] };
env.IDENTITY_TOKEN = await signIdentity(identity, identityKey(env.IDENTITY_SIGNING_KEY), 4 * 3600);

log(`seeding ${CONTACTS} contacts through the gateway`);
const ids = await seed();
writeFileSync(join(WORK, "ids.json"), JSON.stringify(ids));
log("warming the caches (gateway, baselines)");
await warm(ids);

const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = TARGETS.map((_, i) => TARGETS[(i + r) % TARGETS.length]);
  const round = {};
  for (const target of order) round[target] = await phase(target);
  rounds.push(round);
  log(`round ${r + 1}/${ROUNDS}: ${TARGETS.map((t) => `${t} ${f(round[t].p50)}ms`).join(", ")}`);
}
const rss = { "after rounds": rssAll() };
const soak = [];
for (let i = 1; i <= 2 && SOAK > 0; i++) {
  log(`soak ${i}: ${SOAK} gets through the gateway`);
  soak.push(await phase("gateway-get", { ITERATIONS: SOAK }));
  rss[`after soak ${i}`] = rssAll();
}
log(`events at ${EVENT_RATE}/s`);
const event = EVENT_RATE > 0 ? await events() : undefined;
const sweep = await sweepCost();
const { text, totals } = report({ rounds, rss, soak, event, sweep });
writeFileSync(join(WORK, "results.json"), JSON.stringify({ rounds, rss, soak, event, sweep, totals }, null, 2));
console.log(text);
