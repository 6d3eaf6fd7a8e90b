/** A named check of one dependency; resolves when it answers, rejects when it does not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, "ok" | string>;
}

/**
 * Whether this process should receive traffic: every dependency answers and it is not draining.
 * Both /readyz and gRPC health read it, so Kubernetes and gRPC clients see the same answer.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  /** Checks reported but not required (a gateway's upstream services: one down leaves the others' routes working). */
  private readonly advisory = new Set<string>();
  private draining = false;

  constructor(private readonly timeoutMs = 1_500) {}

  add(name: string, check: ReadinessCheck, options: { required?: boolean } = {}): this {
    this.checks.set(name, check);
    if (options.required === false) this.advisory.add(name);
    return this;
  }

  startDraining(): void {
    this.draining = true;
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    if (this.draining) checks.shutdown = "draining";
    return { ready: !this.draining && entries.every(([name, result]) => result === "ok" || this.advisory.has(name)), checks };
  }

  private async run(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs}ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      return "ok";
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
