import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPlatform, type RunningPlatform } from "@crm/testing";

// The API reference at /docs, rendered by a real browser: Debian's Chromium, headless (installed
// by scripts/test.sh when missing). Swagger UI must load from the gateway alone and list the
// operations of the OpenAPI document.
let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts"] });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

/**
 * The DOM of a page after its scripts ran, as headless Chromium printed it. The window is tall:
 * Swagger UI renders the operations of a long document as they come into view, as a reader
 * scrolls (in an 800x600 window, only the first few of 140).
 */
async function renderedDom(url: string): Promise<string> {
  const profile = await mkdtemp(path.join(tmpdir(), "crm-docs-chromium-"));
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile(
        process.env.CHROMIUM ?? "chromium",
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,40000", `--user-data-dir=${profile}`, "--virtual-time-budget=15000", "--dump-dom", url],
        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`chromium failed (run scripts/test.sh, which installs it): ${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

describe("the API reference at /docs", () => {
  it("lists every operation of the OpenAPI document in a browser, with the authentication schemes", async () => {
    const document = (await (await fetch(`${platform.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(operationIds.length).toBeGreaterThan(30);

    const dom = await renderedDom(`${platform.gatewayUrl}/docs`);
    // Swagger UI renders each operation as a block whose id ends with its operationId.
    const rendered = new Set([...dom.matchAll(/id="operations-[^"]*?-([A-Za-z0-9]+)"/g)].map((m) => m[1]));
    expect(operationIds.filter((id) => !rendered.has(id))).toEqual([]);
    expect(dom).toContain("/v1/customers/{contactId}/360");
    // "Authorize" opens the bearer and API-key schemes, the way to try a call.
    expect(dom).toMatch(/class="btn authorize/);
  }, 90_000);
});
