// Benchmark of the consent service on the whole platform (scripts/bench-consent.sh runs it): every
// registered service and the gateway as processes, as @crm/testing's startPlatform runs them.
//  1. seed: SUBJECTS consents (90% granted, 10% withdrawn) of one purpose, recorded over gRPC in
//     batches of 1000: ledger entries per second;
//  2. batch checks of all SUBJECTS at once over gRPC (as the marketing service asks), cold (the
//     service's Redis keys flushed: answered from MongoDB, then cached) and warm (from Redis):
//     subjects per second;
//  3. the erasure saga: a contact with a consent erased through the gateway, timed from the
//     request until every registered service has confirmed and the receipt is signed.
// Prints figures; asserts nothing (beyond the answers being the ones expected).
import { callUnary, createGrpcClient, identityKey, signIdentity, uuidv7 } from "@crm/kit";
import { consentV1 } from "@crm/proto";
import { signTestToken, startPlatform, TEST_IDENTITY_KEY, testInfra } from "@crm/testing";
import { Redis } from "ioredis";
import mongoose from "mongoose";
import { loadavg } from "node:os";

const subjects = Number(process.env.SUBJECTS ?? 100_000);
const checkRuns = Number(process.env.CHECK_RUNS ?? 3);
const erasures = Number(process.env.ERASURES ?? 5);
const tenantId = `bench_${Date.now().toString(36)}`;
const identity = { subject: "bench", tenantId, roles: ["admin"], scopes: [] };
const key = identityKey(TEST_IDENTITY_KEY);

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (...parts) => console.log(...parts);

log(`load average at start: ${load()} (${process.env.NPROC ?? "?"} cores, shared)`);
const platform = await startPlatform();
const client = createGrpcClient(consentV1.ConsentServiceClient, platform.addresses.consent);
const call = async (method, request) =>
  callUnary(client[method].bind(client), request, { identityToken: await signIdentity(identity, key, 3600), timeoutMs: 600_000, retry: false });
const redis = new Redis(testInfra().redisUrl);

try {
  const { purpose } = await call("createPurpose", {
    purpose: consentV1.PurposeInput.fromPartial({ name: "Newsletter", lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_CONSENT, noticeText: "Monthly news." }),
    requestId: "",
  });

  // 1. Seed.
  const ids = Array.from({ length: subjects }, () => uuidv7());
  let started = performance.now();
  for (let start = 0; start < subjects; start += 1_000) {
    const consents = ids.slice(start, start + 1_000).map((subjectId, i) =>
      consentV1.ConsentInput.fromPartial({
        subjectId, purposeId: purpose.id, channel: consentV1.Channel.CHANNEL_EMAIL, source: consentV1.ConsentSource.CONSENT_SOURCE_IMPORT,
        action: (start + i) % 10 === 0 ? consentV1.ConsentAction.CONSENT_ACTION_WITHDRAW : consentV1.ConsentAction.CONSENT_ACTION_GRANT,
      }),
    );
    await call("recordConsents", { consents });
  }
  const seedMs = performance.now() - started;
  log(`seed: ${subjects} consents recorded in ${(seedMs / 1000).toFixed(1)} s: ${Math.round(subjects / (seedMs / 1000))} ledger entries/s (batches of 1000)`);
  const verifyStarted = performance.now();
  const verified = await call("verifyLedger", {});
  log(`ledger verification: ${verified.entriesChecked} entries, intact=${verified.intact}, in ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s`);

  // 2. Checks.
  const request = { purposeId: purpose.id, channel: consentV1.Channel.CHANNEL_EMAIL, subjects: ids.map((subjectId) => ({ subjectId, address: "" })) };
  const expectedAllowed = subjects - Math.ceil(subjects / 10);
  const timeCheck = async () => {
    const t = performance.now();
    const { allowed } = await call("checkConsents", request);
    const ms = performance.now() - t;
    const count = allowed.filter(Boolean).length;
    if (count !== expectedAllowed) throw new Error(`check answered ${count} allowed, expected ${expectedAllowed}`);
    return ms;
  };
  const cold = [];
  for (let run = 0; run < checkRuns; run++) {
    await flush(`${platform.databases.consent}:consent:${tenantId}:*`);
    cold.push(await timeCheck());
  }
  const warm = [];
  for (let run = 0; run < checkRuns; run++) warm.push(await timeCheck());
  const rate = (ms) => Math.round(subjects / (ms / 1000));
  log(`check of ${subjects} subjects, cold (Redis flushed, from MongoDB): ${cold.map((ms) => `${Math.round(ms)} ms`).join(", ")}; median ${rate(median(cold))} subjects/s`);
  log(`check of ${subjects} subjects, warm (from Redis): ${warm.map((ms) => `${Math.round(ms)} ms`).join(", ")}; median ${rate(median(warm))} subjects/s`);

  // 3. Erasure saga, through the gateway.
  const token = await signTestToken({ tenant: tenantId });
  const http = async (path, body) => {
    const response = await fetch(`${platform.gatewayUrl}${path}`, {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return response.json();
  };
  const times = [];
  for (let run = 0; run < erasures; run++) {
    const email = `erase-${run}@bench.example`;
    const contact = await http("/v1/contacts?allowDuplicates=true", { givenName: "Erin", familyName: `Bench${run}`, email });
    await call("recordConsents", { consents: [consentV1.ConsentInput.fromPartial({ subjectId: contact.id, purposeId: purpose.id, channel: 1, action: 1, source: 3 })] });
    const t = performance.now();
    const erasure = await http("/v1/subject-requests", { kind: "erasure", subjectId: contact.id, emails: [email] });
    for (;;) {
      const current = await http(`/v1/subject-requests/${erasure.id}`);
      if (current.status === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    times.push(performance.now() - t);
  }
  log(`erasure saga across ${Object.keys(platform.databases).length} services (request to signed receipt, polled every 10 ms): ${times.map((ms) => `${Math.round(ms)} ms`).join(", ")}; median ${Math.round(median(times))} ms`);
} finally {
  log(`load average at end: ${load()}`);
  redis.disconnect();
  client.close();
  await platform.stop();
  const mongo = await mongoose.createConnection(testInfra().mongodbUrl).asPromise();
  for (const database of Object.values(platform.databases)) await mongo.useDb(database).dropDatabase();
  await mongo.close();
}

async function flush(pattern) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 5_000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
