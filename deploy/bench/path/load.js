// k6 load of one target for one phase of the request-path benchmark (run.mjs runs the phases).
// Every target does the same work: get one of the seeded contacts by id, or create one.
//   TARGET=gateway-get|gateway-create|grpc-get|grpc-create|baseline-get|baseline-cached-get|baseline-create
//   k6 run -e TARGET=… -e VUS=8 -e DURATION=4s [-e ITERATIONS=50000] load.js
import { check } from "k6";
import http from "k6/http";
import grpc from "k6/net/grpc";

const env = __ENV;
const ids = JSON.parse(open(env.IDS_FILE));
const target = env.TARGET;
const grpcClient = target.startsWith("grpc") ? new grpc.Client() : undefined;
if (grpcClient) grpcClient.load([env.PROTO_ROOT], "crm/contacts/v1/contacts.proto");

export const options = {
  discardResponseBodies: true,
  summaryTrendStats: ["med", "p(95)", "p(99)", "count"],
  scenarios: {
    phase: env.ITERATIONS
      ? { executor: "shared-iterations", vus: Number(env.VUS), iterations: Number(env.ITERATIONS), maxDuration: "30m" }
      : { executor: "constant-vus", vus: Number(env.VUS), duration: env.DURATION },
  },
};

const bearer = { headers: { Authorization: `Bearer ${env.TOKEN}` } };
const jsonBearer = { headers: { Authorization: `Bearer ${env.TOKEN}`, "Content-Type": "application/json" } };
const json = { headers: { "Content-Type": "application/json" } };
const grpcParams = { metadata: { "x-crm-identity": env.IDENTITY_TOKEN }, timeout: "10s" };
const pick = () => ids[Math.floor(Math.random() * ids.length)];
// Unique names and e-mails, so that no create meets a likely duplicate.
const person = () => {
  const tag = `${env.RUN}${__VU}x${__ITER}x${Math.random().toString(36).slice(2, 8)}`;
  return { givenName: `Bench${tag}`, familyName: `Person${tag}`, email: `${tag}@bench.example` };
};

const targets = {
  "gateway-get": () => http.get(`${env.GATEWAY_URL}/v1/contacts/${pick()}`, bearer).status === 200,
  "gateway-create": () => http.post(`${env.GATEWAY_URL}/v1/contacts`, JSON.stringify(person()), jsonBearer).status === 201,
  "grpc-get": () => grpcClient.invoke("crm.contacts.v1.ContactsService/GetContact", { id: pick() }, grpcParams).status === grpc.StatusOK,
  "grpc-create": () => {
    const { givenName, familyName, email } = person();
    const contact = { givenName, familyName, emails: [{ address: email, primary: true }] };
    return grpcClient.invoke("crm.contacts.v1.ContactsService/CreateContact", { contact }, grpcParams).status === grpc.StatusOK;
  },
  "baseline-get": () => http.get(`${env.BASELINE_URL}/contacts/${pick()}`).status === 200,
  "baseline-cached-get": () => http.get(`${env.BASELINE_CACHED_URL}/contacts/${pick()}`).status === 200,
  "baseline-create": () => http.post(`${env.BASELINE_URL}/contacts`, JSON.stringify(person()), json).status === 201,
};

export default function () {
  if (grpcClient && __ITER === 0) grpcClient.connect(env.CONTACTS_ADDRESS, { plaintext: true });
  check(null, { ok: () => targets[target]() });
}

export function handleSummary(data) {
  const trend = data.metrics[target.startsWith("grpc") ? "grpc_req_duration" : "http_req_duration"].values;
  const result = {
    target,
    p50: trend.med,
    p95: trend["p(95)"],
    p99: trend["p(99)"],
    requests: data.metrics.iterations.values.count,
    failed: data.metrics.checks.values.fails,
    seconds: data.state.testRunDurationMs / 1000,
  };
  return { [env.SUMMARY_FILE]: JSON.stringify(result) };
}
