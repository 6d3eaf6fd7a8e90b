import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

/** A port that was free a moment ago (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface PlatformProcess {
  name: string;
  /** Its ops endpoint (/healthz, /readyz, /metrics), e.g. http://127.0.0.1:9461. */
  opsUrl: string;
  /** Freezes the process (SIGSTOP) or lets it run again (SIGCONT), to play a stalled service. */
  pause(): void;
  resume(): void;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs a built service as the platform runs it (`node --require @crm/kit/telemetry dist/main.js`)
 * and waits until its /readyz answers 200.
 */
export async function startProcess(options: {
  name: string;
  /** Package folder, relative to the repository root. */
  dir: string;
  env: Record<string, string>;
  opsPort: number;
  timeoutMs?: number;
}): Promise<PlatformProcess> {
  const root = path.resolve(__dirname, "../../..");
  const child: ChildProcess = spawn(process.execPath, ["--require", "@crm/kit/telemetry", "dist/main.js"], {
    cwd: path.join(root, options.dir),
    env: { ...process.env, ...options.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} was not ready in time:\n${output}`);
    }
    const ready = await fetch(`http://127.0.0.1:${options.opsPort}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: options.name,
    opsUrl: `http://127.0.0.1:${options.opsPort}`,
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
