/**
 * Runs background work one pass at a time: asked while a pass runs, it runs once more after it
 * (any number of asks in between make one more pass), so that work signalled during a pass is
 * not missed and never runs twice at once. Workers "kick" it when new work may be there.
 */
export class CoalescingRun {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly pass: () => Promise<void>) {}

  /** Starts a pass now, or one more after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Starts no more passes; resolves when the one in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    while (this.running) await this.running;
  }
}
