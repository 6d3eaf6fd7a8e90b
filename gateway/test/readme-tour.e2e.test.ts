import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { signTestToken, startPlatform, uniqueName, type RunningPlatform } from "@crm/testing";

// The README's API tour, run as written against a freshly seeded platform: its commands are
// what a new user types first, so they must all work, in order, and show something.
const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform();
  token = await signTestToken({ tenant: uniqueName("tour"), expiresIn: "10m" });
  await run("bash", [path.join(root, "scripts/seed.sh"), platform.gatewayUrl, token], { timeout: 60_000 });
}, 90_000);
afterAll(async () => {
  await platform?.stop();
});

/** The ```sh block of the README's "The API in brief", without its first line (what dev.sh prints). */
function tourScript(): string {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The API in brief"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("the README has no tour");
  const [first, ...rest] = block.split("\n");
  expect(first).toMatch(/^export API=\S+ TOKEN=\S+/);
  return rest.join("\n");
}

// Every curl call also reports its status, method and URL on stderr, after the caller's own -w.
const STATUS_REPORTING_CURL = `
curl() {
  local args=() format="" take_format=false
  for arg in "$@"; do
    if $take_format; then format="$arg"; take_format=false; continue; fi
    if [ "$arg" = "-w" ]; then take_format=true; continue; fi
    args+=("$arg")
  done
  command curl "\${args[@]}" -w "\${format}%{stderr}%{http_code} %{method} %{url_effective}\\n"
}
`;

describe("the README tour", () => {
  it("runs as written, in order, and every call answers as the README says", async () => {
    const { stdout, stderr } = await run("bash", ["-euo", "pipefail", "-c", STATUS_REPORTING_CURL + tourScript()], {
      env: { ...process.env, API: platform.gatewayUrl, TOKEN: token },
      timeout: 60_000,
    });
    const calls = stderr.trim().split("\n").map((line) => line.split(" ").slice(0, 2).join(" "));
    expect(calls).toEqual([
      "201 POST", "200 GET", // create a person, read it
      "409 POST", "201 POST", "201 POST", "200 POST", // a duplicate refused, created anyway, merged, undone
      "200 PUT", "200 GET", "200 PATCH", // custom field, ETag, PATCH
      "200 GET", "200 GET", // search, filter
      "201 POST", "200 GET", "200 PATCH", "200 GET", // organisation, link, key persons
      "201 POST", "202 PUT", "200 GET", "200 GET", // import job, file, progress, export
    ]);
    expect(stdout).toContain('"displayName":"Annie Easley"');
    expect(stdout).toContain('"phone":"+12164334000"');
    expect(stdout).toContain('"candidates":[');
    expect(stdout).toContain("Skłodowska");
    expect(stdout).toContain('"customFields":{"tier":"gold"}');
    expect(stdout).toContain('"role":"Rocket scientist"');
    expect(stdout).toMatch(/annie@nasa\.example/);
  }, 90_000);
});
