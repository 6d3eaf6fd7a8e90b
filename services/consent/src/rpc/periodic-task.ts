import type { BackgroundWorker, Logger } from "@crm/kit";

/**
 * Runs a pass every `intervalMs`, and at once when kicked; never two passes at a time (a kick
 * during a pass runs one more after it). A failed pass is logged and tried again next time.
 * Stopping waits for the pass in hand.
 */
export class PeriodicTask implements BackgroundWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: (shouldStop: () => boolean) => Promise<void>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass(() => this.stopping)
      .catch((error: unknown) => this.log.error({ err: error, task: this.name }, "background pass failed; retrying on the next one"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }
}
