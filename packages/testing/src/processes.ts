import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

/**
 * A free port for a process started next, picked below the kernel's ephemeral range. A port the
 * kernel handed out (bind to 0) could be handed out again, to any outgoing connection of the
 * tests, before the process listens on it: a full run lost a service start to EADDRINUSE so.
 * Below the range, only another explicit pick can take it: one of this process's, which never
 * repeats a recent one, or another jest worker's, which picks from a slice of its own.
 */
export async function freePort(): Promise<number> {
  const [low, high] = portSlice();
  for (let attempt = 0; attempt < 100 && high > low; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!recentPicks.includes(port) && (await canListen(port))) return remember(port);
  }
  return kernelPickedPort();
}

/** Ports picked lately: a pick is bound only once its process starts, after other picks. */
const recentPicks: number[] = [];
const REMEMBERED_PICKS = 256;

function remember(port: number): number {
  recentPicks.push(port);
  if (recentPicks.length > REMEMBERED_PICKS) recentPicks.shift();
  return port;
}

/**
 * The explicit range, or this jest worker's slice of it. Workers pick in parallel, and a port
 * one of them checked is free until its process binds it: a full run lost a start to a port
 * two workers had picked (EADDRINUSE).
 */
function portSlice(): [number, number] {
  const [low, high] = explicitPortRange();
  const worker = Number(process.env.JEST_WORKER_ID);
  if (!Number.isInteger(worker) || worker < 1) return [low, high];
  const size = Math.floor((high - low) / WORKER_SLICES);
  const start = low + ((worker - 1) % WORKER_SLICES) * size;
  return [start, start + size];
}
const WORKER_SLICES = 4;

/** Ports no kernel pick uses: from 20 000 (above well-known and dev ports) to the ephemeral range's start (Linux: 32 768). */
function explicitPortRange(): [number, number] {
  try {
    return [20_000, Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0])];
  } catch {
    return [20_000, 32_768];
  }
}

function kernelPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Whether the port can be listened on, on every address (as the services listen). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
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
  /** Kills the process at once (SIGKILL), as a crash would: no draining, no shutdown steps. Resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the process again, as it was (same environment: ports, database, consumer group), once stopped; waits until it is ready. */
  restart(): Promise<void>;
}

export interface ProcessOptions {
  name: string;
  /** Package folder, relative to the repository root. */
  dir: string;
  env: Record<string, string>;
  opsPort: number;
  timeoutMs?: number;
}

/**
 * Runs a built service as the platform runs it (`node --require @crm/kit/telemetry dist/main.js`)
 * and waits until its /readyz answers 200.
 */
export async function startProcess(options: ProcessOptions): Promise<PlatformProcess> {
  let running = await spawnReady(options);
  return {
    name: options.name,
    opsUrl: `http://127.0.0.1:${options.opsPort}`,
    pause: () => void running.child.kill("SIGSTOP"),
    resume: () => void running.child.kill("SIGCONT"),
    output: () => running.output(),
    stop: async () => {
      if (!running.hasExited()) running.child.kill("SIGTERM");
      return running.exited;
    },
    kill: async () => {
      if (!running.hasExited()) running.child.kill("SIGKILL");
      await running.exited;
    },
    restart: async () => {
      if (!running.hasExited()) throw new Error(`${options.name} is still running: stop it first`);
      const before = running.output();
      running = await spawnReady(options);
      const current = running;
      running = { ...current, output: () => before + current.output() };
    },
  };
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** True once it exited, whether with a code or by a signal. */
  hasExited(): boolean;
  output(): string;
}

async function spawnReady(options: ProcessOptions): Promise<Spawned> {
  const root = path.resolve(__dirname, "../../..");
  const child: ChildProcess = spawn(process.execPath, ["--require", "@crm/kit/telemetry", "dist/main.js"], {
    cwd: path.join(root, options.dir),
    env: { ...process.env, ...options.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let hasExited = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      hasExited = true;
      resolve(code);
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) throw new Error(`${options.name} exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} was not ready in time:\n${output}`);
    }
    const ready = await fetch(`http://127.0.0.1:${options.opsPort}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited, hasExited: () => hasExited, output: () => output };
}
