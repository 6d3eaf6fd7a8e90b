import type { ServiceRuntime } from "./runtime";

/**
 * The body of every service's main.ts: starts the service, drains it on SIGTERM/SIGINT and logs
 * where it listens. A start that fails (bad configuration, unreachable storage) ends the process
 * with the reason and exit code 1.
 */
export function runService(start: () => Promise<{ runtime: ServiceRuntime; ports: { grpcPort: number; opsPort: number } }>): void {
  start().then(
    ({ runtime, ports }) => {
      runtime.handleSignals();
      runtime.log.info(ports, `${runtime.service} service ready`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
