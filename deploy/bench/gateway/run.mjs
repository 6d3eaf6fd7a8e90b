// The gateway's public-API features under load (scripts/bench-gateway.sh starts this with the
// infrastructure's environment): what a rate-limited cached read costs, a replayed Idempotency-Key,
// the customer 360 composed and cached, and webhook delivery latency; the gateway's RSS after it.
// Prints figures; asserts nothing.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { signTestToken, startPlatform, uniqueName } from "@crm/testing";

const DURATION_MS = Number(process.env.DURATION_MS ?? 10_000);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const CONTACTS = Number(process.env.CONTACTS ?? 200);
const EVENTS = Number(process.env.EVENTS ?? 300);

const receiverTimes = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    receiverTimes.push(Date.now() - Date.parse(JSON.parse(body).timestamp));
    res.statusCode = 204;
    res.end();
  });
});
await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));

const platform = await startPlatform({
  services: ["contacts"],
  gatewayEnv: {
    // The V8 heap flags dev.sh gives the gateway (scripts/lib.sh), so that its RSS is comparable.
    NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS ?? "--max-semi-space-size=4 --max-old-space-size=128",
    RATE_LIMIT_PER_MINUTE: "100000000",
    WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32",
  },
});
const token = await signTestToken({ tenant: uniqueName("bench_gateway"), expiresIn: "2h" });
const api = (method, path, body, headers = {}) =>
  fetch(`${platform.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const line = (name, samples, seconds) =>
  console.log(`${name.padEnd(34)} ${String(samples.length).padStart(7)} ${(samples.length / seconds).toFixed(0).padStart(7)}/s   p50 ${percentile(samples, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(samples, 99).toFixed(2).padStart(7)} ms`);

/** CLIENTS loops calling `request()` for DURATION_MS; the latencies of the answers that matched `ok`. */
async function load(name, request, ok = (r) => r.ok) {
  const samples = [];
  const failed = new Map();
  const end = Date.now() + DURATION_MS;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < end) {
      const started = performance.now();
      const response = await request();
      await response.arrayBuffer();
      if (ok(response)) samples.push(performance.now() - started);
      else failed.set(response.status, (failed.get(response.status) ?? 0) + 1);
    }
  }));
  line(name, samples, DURATION_MS / 1000);
  if (failed.size) console.log(`  failed: ${[...failed].map(([status, count]) => `${count} x ${status}`).join(", ")}`);
}

console.log(`seeding ${CONTACTS} contacts with an organisation...`);
const organization = await (await api("POST", "/v1/organizations", { name: "Bench Holdings" })).json();
const ids = [];
for (let i = 0; i < CONTACTS; i++) {
  // Generated names look alike: created as they are, not refused as likely duplicates.
  const response = await api("POST", "/v1/contacts?allowDuplicates=true", { givenName: `Bench${i}`, familyName: `Person${i}`, organizations: [{ organizationId: organization.id, role: "Buyer" }] });
  if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  ids.push((await response.json()).id);
}
const pick = () => ids[Math.floor(Math.random() * ids.length)];

console.log(`\nphase                                samples    rate   latency (${CLIENTS} clients, ${DURATION_MS / 1000} s each)`);
const cold = [];
for (const id of ids) {
  const started = performance.now();
  await (await api("GET", `/v1/customers/${id}/360`)).arrayBuffer();
  cold.push(performance.now() - started);
}
line("360, first read of each (composed)", cold, cold.reduce((a, b) => a + b, 0) / 1000);
await load("GET contact (read cache, limited)", () => api("GET", `/v1/contacts/${pick()}`));
await load("GET 360 (cached answer)", () => api("GET", `/v1/customers/${pick()}/360`));
const key = uniqueName("bench_key");
await api("POST", "/v1/organizations", { name: "Replayed Ltd" }, { "idempotency-key": key });
await load("POST replayed Idempotency-Key", () => api("POST", "/v1/organizations", { name: "Replayed Ltd" }, { "idempotency-key": key }), (r) => r.status === 201);

await api("POST", "/v1/webhooks", { url: `http://127.0.0.1:${receiver.address().port}/hook`, eventTypes: ["contacts.contact.created"] });
const started = Date.now();
for (let i = 0; i < EVENTS; i += 4) {
  await Promise.all([0, 1, 2, 3].filter((j) => i + j < EVENTS).map((j) => api("POST", "/v1/contacts?allowDuplicates=true", { givenName: `Hook${i + j}`, familyName: "Event" }).then((r) => r.arrayBuffer())));
}
while (receiverTimes.length < EVENTS && Date.now() - started < 120_000) await new Promise((resolve) => setTimeout(resolve, 100));
console.log(`webhooks: ${receiverTimes.length}/${EVENTS} delivered in ${((Date.now() - started) / 1000).toFixed(1)} s; event -> receiver p50 ${percentile(receiverTimes, 50)} ms, p99 ${percentile(receiverTimes, 99)} ms, max ${Math.max(...receiverTimes)} ms`);

const gatewayPort = new URL(platform.gatewayUrl).port;
const pid = /pid=(\d+)/.exec(execFileSync("ss", ["-ltnpH", `sport = :${gatewayPort}`]).toString())?.[1];
const rss = pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024 : NaN;
console.log(`gateway RSS after the run: ${rss.toFixed(0)} MiB; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
await platform.stop();
receiver.close();
