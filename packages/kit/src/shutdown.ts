import type { Logger } from "./logger";

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop taking work, drain what is in flight,
 * close connections), each bounded by the grace period, then exits. A second signal exits at once.
 */
export function handleShutdown(steps: ShutdownStep[], { log, graceMs }: { log: Logger; graceMs: number }): void {
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      log.warn({ signal }, "second signal; exiting now");
      process.exit(1);
    }
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    let failed = false;
    for (const step of steps) {
      try {
        await withTimeout(step.run(), graceMs, step.name);
      } catch (error) {
        failed = true;
        log.error({ err: error, step: step.name }, "shutdown step failed");
      }
    }
    log.info("stopped");
    process.exit(failed ? 1 : 0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

async function withTimeout(work: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms}ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
