import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createLogger, GrpcServer, LIVENESS_HEALTH_SERVICE, Readiness } from "../src";

// What Kubernetes' native gRPC probes ask, through grpc-health-probe (installed by scripts/test.sh):
// readiness ("") follows the dependencies, liveness stays SERVING through their outage, so that
// an unreachable MongoDB takes pods out of traffic without restarting them.
const run = promisify(execFile);
let server: GrpcServer;
let address: string;
let mongoAnswers = false;

beforeAll(async () => {
  const readiness = new Readiness().add("mongodb", async () => {
    if (!mongoAnswers) throw new Error("unreachable");
  });
  server = GrpcServer.create([], createLogger("health-test", "silent"));
  address = `127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
  server.followReadiness(readiness, 100);
});
afterAll(() => server.drain(1_000));

/** grpc-health-probe's verdict on one health service name ("" is the server as a whole): SERVING, NOT_SERVING or its output. */
async function probe(service: string): Promise<string> {
  try {
    const { stdout, stderr } = await run("grpc-health-probe", [`-addr=${address}`, `-service=${service}`], { timeout: 20_000 });
    return (stdout + stderr).includes("status: SERVING") ? "SERVING" : stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return /NOT_SERVING/.test(stdout + stderr) ? "NOT_SERVING" : stdout + stderr;
  }
}

const eventually = async (check: () => Promise<boolean>) => {
  for (let tries = 0; tries < 50 && !(await check()); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
};

describe("gRPC health for Kubernetes probes", () => {
  it("is not ready while a dependency is down, yet alive", async () => {
    await eventually(async () => (await probe("")) === "NOT_SERVING");
    expect(await probe("")).toBe("NOT_SERVING");
    expect(await probe(LIVENESS_HEALTH_SERVICE)).toBe("SERVING");
  });

  it("becomes ready when the dependency answers again", async () => {
    mongoAnswers = true;
    await eventually(async () => (await probe("")) === "SERVING");
    expect(await probe("")).toBe("SERVING");
    expect(await probe(LIVENESS_HEALTH_SERVICE)).toBe("SERVING");
  });
});
