#!/usr/bin/env node
// The body of scripts/bench-chart-rss.sh (which installs and starts what it needs first).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789";
const IDENTITY_KEY = "bench-identity-key-0123456789abcdef0123456789";
const database = `crm_rss_bench_${Date.now()}`;

// What the chart gives each workload: NODE_OPTIONS and its memory request and limit.
const rendered = execFileSync(path.join(ROOT, ".tools/bin/helm"), ["template", "crm", "charts/crm", "--kube-version", "1.33.1"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
const objects = parseAllDocuments(rendered).map((document) => document.toJS()).filter(Boolean);
const chart = (name) => {
  const deployment = objects.find((object) => object.kind === "Deployment" && object.metadata.name === `crm-${name}`);
  const config = objects.find((object) => object.kind === "ConfigMap" && object.metadata.name === `crm-${name}`);
  return { nodeOptions: config.data.NODE_OPTIONS.split(" "), resources: deployment.spec.template.spec.containers[0].resources };
};

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const rssMiB = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

const registry = JSON.parse(readFileSync(path.join(ROOT, "packages/registry/services.json"), "utf8"));
const processes = [];
async function start(name, dir, env, opsPort) {
  const child = spawn(process.execPath, [...chart(name).nodeOptions, "--require", "@crm/kit/telemetry", "dist/main.js"], {
    cwd: path.join(ROOT, dir),
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", SERVICE_NAME: name, OPS_PORT: String(opsPort), IDENTITY_SIGNING_KEY: IDENTITY_KEY, ...env },
    stdio: "ignore",
  });
  processes.push({ name, child });
  for (let tries = 0; !(await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.ok, () => false)); tries++) {
    if (tries > 300 || child.exitCode !== null) throw new Error(`${name} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const addresses = {};
  for (const service of registry.services) {
    const [grpc, ops] = [await freePort(), await freePort()];
    await start(service.name, `services/${service.name}`, { GRPC_PORT: String(grpc), MONGODB_DATABASE: `${database}_${service.name.replaceAll("-", "_")}`, CONSUMER_GROUP: database, REDIS_KEY_PREFIX: `${database}:` }, ops);
    addresses[service.addressEnv] = `127.0.0.1:${grpc}`;
  }
  const [http, ops] = [await freePort(), await freePort()];
  // The load is one credential's: a rate limit it cannot reach (each request still takes its token in Redis).
  await start("gateway", "gateway", { PORT: String(http), AUTH_JWT_SECRET: JWT_SECRET, RATE_LIMIT_PER_MINUTE: "1000000000", ...addresses }, ops);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const idle = Object.fromEntries(processes.map(({ name, child }) => [name, rssMiB(child.pid, "VmRSS")]));

  // Load: every list route of the API (from its OpenAPI document) and contact creates.
  const api = `http://127.0.0.1:${http}`;
  const token = execFileSync(process.execPath, ["dist/dev-token.js", "rss-bench", "admin"], { cwd: path.join(ROOT, "gateway"), env: { ...process.env, AUTH_JWT_SECRET: JWT_SECRET }, encoding: "utf8" }).trim();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const document = await (await fetch(`${api}/openapi.json`)).json();
  const lists = Object.entries(document.paths).filter(([route, methods]) => methods.get && !route.includes("{") && /^\/v1\/[a-z-]+$/.test(route)).map(([route]) => route);
  let requests = 0;
  let failures = 0;
  const until = Date.now() + LOAD_SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    for (let i = 0; Date.now() < until; i++) {
      const create = i % 4 === 0;
      const response = create
        ? await fetch(`${api}/v1/contacts?allowDuplicates=true`, { method: "POST", headers, body: JSON.stringify({ givenName: `Bench${worker}`, familyName: `Load${i}`, email: `w${worker}.${i}.${Date.now()}@bench.example` }) })
        : await fetch(`${api}${lists[i % lists.length]}?limit=20`, { headers });
      await response.arrayBuffer();
      requests++;
      if (response.status >= 400) failures++;
    }
  }));
  const peak = Object.fromEntries(processes.map(({ name, child }) => [name, rssMiB(child.pid, "VmHWM")]));

  const [load1] = readFileSync("/proc/loadavg", "utf8").split(" ");
  console.log(`\n${requests} requests in ${LOAD_SECONDS} s (${(requests / LOAD_SECONDS).toFixed(0)}/s, ${failures} failed) over ${lists.length} list routes and contact creates, ${CONCURRENCY} at a time; load average ${load1}\n`);
  const rows = [["workload", "idle RSS", "peak RSS", "request", "limit", "heap flags"]];
  for (const { name } of processes) {
    const { resources, nodeOptions } = chart(name);
    rows.push([name, `${idle[name].toFixed(0)} MiB`, `${peak[name].toFixed(0)} MiB`, resources.requests.memory, resources.limits.memory, nodeOptions.join(" ")]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join("  "));
} finally {
  for (const { child } of processes) child.kill("SIGTERM");
}
