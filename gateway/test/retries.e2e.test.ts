import { signTestToken, startPlatform, uniqueName, type PlatformProcess, type RunningPlatform } from "@crm/testing";

// A create whose answer is lost to a timeout: the client must be able to retry it safely.
let platform: RunningPlatform;
let contacts: PlatformProcess;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts"], gatewayEnv: { UPSTREAM_TIMEOUT_MS: "1000" } });
  contacts = platform.processes.find((p) => p.name === "contacts")!;
  token = await signTestToken({ tenant: uniqueName("retries") });
}, 60_000);
afterAll(async () => {
  contacts?.resume();
  await platform?.stop();
});

const create = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${platform.gatewayUrl}/v1/contacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const withEmail = async (email: string) => {
  const filter = encodeURIComponent(`email[eq]:${email}`);
  const response = await fetch(`${platform.gatewayUrl}/v1/contacts?filter=${filter}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { data: Array<{ id: string }> }).data;
};

describe("a create that times out", () => {
  it("answers 504 with the key to retry with, and a retry with it stores the contact exactly once", async () => {
    const email = `${uniqueName("late")}@example.com`;
    contacts.pause();
    const first = await create({ givenName: "Late", email });
    contacts.resume();
    expect(first.status).toBe(504);
    const problem = (await first.json()) as { idempotencyKey: string; detail: string };
    expect(problem.idempotencyKey).toMatch(/^gw-[0-9a-f-]{36}$/);
    expect(problem.detail).toContain(`Idempotency-Key: ${problem.idempotencyKey}`);

    // Whether the stalled service went on to store the first attempt or dropped it, the retry
    // with the key ends with one contact: the first one if it was stored.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const storedByFirst = await withEmail(email);
    const retry = await create({ givenName: "Late", email }, { "idempotency-key": problem.idempotencyKey });
    expect(retry.status).toBe(201);
    const retried = (await retry.json()) as { id: string };
    const stored = await withEmail(email);
    expect(stored.map((c) => c.id)).toEqual([retried.id]);
    if (storedByFirst.length > 0) expect(retried.id).toBe(storedByFirst[0]!.id);
    const again = await create({ givenName: "Late", email }, { "idempotency-key": problem.idempotencyKey });
    expect(((await again.json()) as { id: string }).id).toBe(retried.id);
  }, 30_000);

  it("refuses an Idempotency-Key that is not printable ASCII", async () => {
    const response = await create({ givenName: "Key" }, { "idempotency-key": "x".repeat(256) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "Idempotency-Key" }] });
  });
});
