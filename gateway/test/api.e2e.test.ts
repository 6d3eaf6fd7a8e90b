import { signTestToken, startPlatform, uniqueName, type RunningPlatform } from "@crm/testing";

// Contacts and the gateway as real processes, over HTTP, on the real infrastructure.
let platform: RunningPlatform;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts"] });
  tokenA = await signTestToken({ tenant: uniqueName("tenant_a") });
  tokenB = await signTestToken({ tenant: uniqueName("tenant_b") });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

const request = (path: string, init: { method?: string; token?: string | null; body?: string; headers?: Record<string, string> } = {}) =>
  fetch(`${platform.gatewayUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? tokenA}` }),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
const post = (body: unknown, token?: string) => request("/v1/contacts", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), ...(token ? { token } : {}) });
const count = async (token = tokenA) => ((await (await request("/v1/contacts?limit=200", { token })).json()) as { data: unknown[] }).data.length;

describe("gateway /v1/contacts", () => {
  it("creates, reads and lists a contact", async () => {
    const created = await post({ givenName: "Ada", familyName: "Lovelace", email: " ADA@Example.com ", type: "customer", addresses: [{ city: "london", country: "gb" }] });
    expect(created.status).toBe(201);
    const contact = (await created.json()) as { id: string };
    expect(contact).toMatchObject({ email: "ada@example.com", emails: [{ address: "ada@example.com", primary: true }], addresses: [{ city: "London", country: "GB" }], type: "customer" });
    expect(created.headers.get("location")).toBe(`/v1/contacts/${contact.id}`);

    const read = await request(`/v1/contacts/${contact.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('W/"1"');
    expect(await read.json()).toEqual(contact);

    const listed = await request(`/v1/contacts?filter=${encodeURIComponent("and(type[eq]:customer,country[in]:[GB])")}&orderBy=familyName`);
    const body = (await listed.json()) as { data: Array<{ id: string }>; pageInfo: object };
    expect(body.data.map((c) => c.id)).toEqual([contact.id]);
    expect(body.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: expect.any(String), endCursor: expect.any(String) });
  });

  it("answers a replayed Idempotency-Key with the first contact", async () => {
    const key = uniqueName("idem");
    const first = (await (await request("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "Once" }), headers: { "idempotency-key": key } })).json()) as { id: string };
    const again = (await (await request("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "Once" }), headers: { "idempotency-key": key } })).json()) as { id: string };
    expect(again.id).toBe(first.id);
  });

  it("creates a contact known only by its phone, named by it", async () => {
    const created = await post({ phone: "+48221234599" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ displayName: "+48221234599", phone: "+48221234599", givenName: "", familyName: "" });
  });

  it.each([
    ["malformed JSON", '{"givenName": ', 400, "body"],
    ["an unknown field", { givenName: "A", favouriteColour: "blue" }, 400, "favouriteColour"],
    ["a wrong type", { givenName: 42 }, 400, "givenName"],
    ["an invalid e-mail", { givenName: "A", email: "not-an-email" }, 400, "contact.emails[0].address"],
    ["an unknown relationship type", { givenName: "A", type: "friend" }, 400, "type"],
  ])("rejects %s as problem+json and writes nothing", async (_case, body, status, field) => {
    const before = await count();
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { status: number; traceId: string; errors?: Array<{ field: string }>; detail: string };
    expect(problem.status).toBe(status);
    expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
    if (field === "body") expect(problem.detail).toMatch(/not valid JSON/);
    else expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await count()).toBe(before);
  });

  it.each([
    ["no token", null],
    ["an expired token", "expired"],
    ["a token signed with another key", "foreign"],
    ["a malformed token", "garbage"],
  ])("answers 401 to %s and writes nothing", async (_case, kind) => {
    const before = await count();
    const token =
      kind === "expired"
        ? await signTestToken({ tenant: "x", expiresIn: "-1m" })
        : kind === "foreign"
          ? await signTestToken({ tenant: "x", secret: "some-other-secret-that-is-long-enough-000" })
          : kind;
    const response = await request("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "Mallory" }), token });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { type: string }).type).toBe("/problems/unauthenticated");
    expect(await count()).toBe(before);
  });

  it("answers 403 when the role lacks the permission", async () => {
    const viewer = await signTestToken({ tenant: uniqueName("viewers"), roles: ["viewer"] });
    expect((await request("/v1/contacts", { method: "POST", body: JSON.stringify({ givenName: "V" }), token: viewer })).status).toBe(403);
    expect((await request("/v1/contacts", { token: viewer })).status).toBe(200);
  });

  it("answers 404 when a tenant asks for another tenant's contact by id", async () => {
    const { id } = (await (await post({ givenName: "Secret" })).json()) as { id: string };
    const response = await request(`/v1/contacts/${id}`, { token: tokenB });
    expect(response.status).toBe(404);
    expect(await count(tokenB)).toBe(0);
  });

  it("rejects malformed list parameters with the offending field", async () => {
    const problem = async (query: string) => {
      const response = await request(`/v1/contacts?${query}`);
      expect(response.status).toBe(400);
      return ((await response.json()) as { errors: Array<{ field: string }> }).errors[0]?.field;
    };
    expect(await problem(`filter=${encodeURIComponent("and(type[eq]:customer")}`)).toBe("filter");
    expect(await problem("limit=1000")).toBe("limit");
    expect(await problem("orderBy=email")).toBe("orderBy");
    expect(await problem("after=xyz&before=abc")).toBe("before");
    expect(await problem("page=2")).toBe("page");
  });

  it.each(["/v1/contacts", "/v1/contacts/export.csv", "/v1/organizations"])("refuses a filter nested too deep on %s with 400, not a failed encoding", async (path) => {
    const deep = "and(".repeat(48) + "type[eq]:customer" + ")".repeat(48);
    const response = await request(`${path}?filter=${encodeURIComponent(deep)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "filter", message: expect.stringMatching(/nested deeper than 6/) }] });
  });

  it("answers a method a path does not take with 405 and Allow", async () => {
    const response = await request("/v1/contacts", { method: "PUT", body: "{}" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, GET, HEAD, OPTIONS");
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const options = await request("/v1/contacts/0190a0a0-0000-7000-8000-000000000001", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD, OPTIONS");
  });

  it("describes in its OpenAPI document exactly what it accepts", async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read loosely
    const document = (await (await request("/openapi.json", { token: null })).json()) as any;
    const get = document.paths["/v1/contacts/{id}"].get;
    expect(get.parameters[0].schema.pattern).toBe("^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "431", "500", "503", "504"]));
    const [query] = document.paths["/v1/contacts"].get.parameters;
    expect(query).toMatchObject({ in: "query", style: "form", explode: true, schema: { not: { required: ["after", "before"] } } });
    expect(Object.keys(document.paths["/v1/contacts"].post.responses)).toEqual(expect.arrayContaining(["201", "409", "413", "415"]));
    const newOrganization = document.paths["/v1/organizations"].post.requestBody.content["application/json"].schema;
    expect(newOrganization.required).toEqual(["name"]);
    expect(document.paths["/v1/custom-fields/{key}"].put.parameters[0].schema.pattern).toBe("^[a-z][A-Za-z0-9]{0,39}$");
    expect(document.paths["/v1/imports/{id}/file"].put.responses["202"]).toBeDefined();
    // A literal path is matched before a parameter: PATCH on /v1/contacts/duplicates is a 405, not a bad id.
    const patched = await request("/v1/contacts/duplicates", { method: "PATCH", body: "{}" });
    expect(patched.status).toBe(405);
    expect(patched.headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("serves the OpenAPI 3.1 document and a reference page", async () => {
    const document = (await (await request("/openapi.json", { token: null })).json()) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/v1/contacts", "/v1/contacts/{id}", "/v1/contacts/merges", "/v1/contacts/export.csv", "/v1/organizations", "/v1/imports/{id}/file", "/v1/custom-fields/{key}"]),
    );
    // The reference page loads Swagger UI from the gateway itself (docs.e2e.test.ts renders it in Chromium).
    const page = await request("/docs", { token: null });
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const scripts = [...(await page.text()).matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(["/docs/assets/swagger-ui-bundle.js", "/docs/start.js"]);
    for (const script of scripts) expect((await request(script, { token: null })).status).toBe(200);
  });
});

describe("gateway telemetry", () => {
  it("counts each request's duration by method, route and status on /metrics, with its trace id in problems", async () => {
    const missing = await request("/v1/contacts/0190a0a0-0000-7000-8000-00000000dead");
    expect(missing.status).toBe(404);
    const problem = (await missing.json()) as { traceId?: string };
    // A caller's trace is continued: the problem names the trace the caller sent.
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const traced = await request("/v1/contacts/0190a0a0-0000-7000-8000-00000000dead", { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(((await traced.json()) as { traceId?: string }).traceId).toBe(traceId);
    expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
    const gateway = platform.processes.find((p) => p.name === "gateway")!;
    const metrics = await (await fetch(`${gateway.opsUrl}/metrics`)).text();
    const line = metrics.split("\n").find((l) => l.startsWith("http_server_request_duration_count") && l.includes('http_route="/v1/contacts/:id"') && l.includes('http_response_status_code="404"'));
    expect(line).toBeDefined();
    expect(Number(line!.split(" ").at(-1))).toBeGreaterThanOrEqual(2);
  });
});

