// helm test: the gateway answers ready, and one API call goes through it to the contacts service
// (gRPC, MongoDB). Runs in the gateway's image, whose dist/dev-token.js signs a token when the
// gateway verifies tokens with a shared secret; with a JWKS, the token comes from a Secret.
// Exits non-zero, with the reason, on the first failure.
import { execFileSync } from "node:child_process";

const { GATEWAY_URL, GATEWAY_OPS_URL, TEST_BEARER_TOKEN, AUTH_JWT_SECRET } = process.env;
const DEADLINE_MS = 60_000;

/** Retries while the platform settles (a rollout in progress), then fails with the last answer. */
async function eventually(what, attempt) {
  const started = Date.now();
  let last;
  while (Date.now() - started < DEADLINE_MS) {
    try {
      last = await attempt();
      if (last.ok) return last.value;
    } catch (error) {
      last = { reason: error instanceof Error ? error.message : String(error) };
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`${what}: ${last?.reason ?? "no answer"}`);
}

function bearerToken() {
  if (TEST_BEARER_TOKEN) return TEST_BEARER_TOKEN.trim();
  if (!AUTH_JWT_SECRET) return undefined;
  return execFileSync(process.execPath, ["dist/dev-token.js", "helm-test", "viewer"], { encoding: "utf8" }).trim();
}

await eventually("the gateway is not ready", async () => {
  const response = await fetch(`${GATEWAY_OPS_URL}/readyz`);
  return { ok: response.status === 200, reason: `GET /readyz answered ${response.status}: ${await response.text()}` };
});
console.log("gateway ready");

const token = bearerToken();
if (token) {
  const page = await eventually("GET /v1/contacts failed", async () => {
    const response = await fetch(`${GATEWAY_URL}/v1/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    return { ok: response.status === 200, value: body, reason: `answered ${response.status}: ${body.slice(0, 500)}` };
  });
  const { data, pageInfo } = JSON.parse(page);
  if (!Array.isArray(data) || typeof pageInfo !== "object") throw new Error(`GET /v1/contacts answered an unexpected body: ${page.slice(0, 500)}`);
  console.log("GET /v1/contacts answered a page through the contacts service");
} else {
  const document = await eventually("GET /openapi.json failed", async () => {
    const response = await fetch(`${GATEWAY_URL}/openapi.json`);
    return { ok: response.status === 200, value: await response.json().catch(() => ({})), reason: `answered ${response.status}` };
  });
  if (!document.paths?.["/v1/contacts"]) throw new Error("the OpenAPI document does not list /v1/contacts");
  console.log("no token (set tests.bearerToken for a JWKS gateway): the public OpenAPI document answered");
}
