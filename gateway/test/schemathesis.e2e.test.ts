import { execFile } from "node:child_process";
import path from "node:path";
import { signTestToken, startPlatform, uniqueName, type RunningPlatform } from "@crm/testing";

// Schemathesis (PyPI, pinned in scripts/lib.sh) generates requests from /openapi.json of a running
// platform, a bounded number per operation, and checks every answer against the document.
//
// The checks, chosen deliberately:
// - not_a_server_error: no 5xx, whatever the input;
// - status_code_conformance, content_type_conformance, response_headers_conformance,
//   response_schema_conformance: every answer is one the document declares, in its media type,
//   with its headers and body schema;
// - negative_data_rejection: input the schema forbids is refused with a 4xx.
// Not positive_data_acceptance (what `--checks all` adds): JSON Schema cannot state the rules of
// the filter grammar, opaque cursors, ids this API issued or records that exist, so input valid
// by the schema is still refused (400, 404), which that check reports (ST202) although it is right.
let platform: RunningPlatform;
const root = path.resolve(__dirname, "../..");

beforeAll(async () => {
  // A rate limit this run cannot reach, so that every operation gets its examples answered.
  platform = await startPlatform({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: "1000000" } });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

function schemathesis(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile("bash", [path.join(root, "scripts/schemathesis.sh"), ...args], { cwd: root, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
    ),
  );
}

describe("the API against its OpenAPI document (Schemathesis)", () => {
  it("answers generated requests without a server error and as documented", async () => {
    const token = await signTestToken({ tenant: uniqueName("schemathesis"), expiresIn: "30m" });
    const { code, output } = await schemathesis([
      "run", `${platform.gatewayUrl}/openapi.json`,
      "--header", `Authorization: Bearer ${token}`,
      "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection",
      "--phases", "examples,coverage,fuzzing",
      "--max-examples", process.env.SCHEMATHESIS_EXAMPLES ?? "8",
      "--seed", "16",
      "--workers", "2",
      "--request-timeout", "20",
      "--generation-deterministic",
      "--suppress-health-check", "all",
      "--warnings", "off",
    ]);
    if (code !== 0) console.log(output.slice(-20_000));
    expect(code).toBe(0);
    // It ran: cases were generated and every one passed ("4116 generated, 4116 passed").
    const [, generated, passed] = /(\d+) generated, (\d+) passed/.exec(output) ?? [];
    expect(Number(generated)).toBeGreaterThan(500);
    expect(passed).toBe(generated);
  }, 600_000);
});
