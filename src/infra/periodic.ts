import type { Logger } from './logger';
import { inRunSpan, recordRunWork } from './tracing/spans';

/**
 * Runs a background job every intervalMs until stop(): one run at a time, never overlapping, and
 * at once again when a run says more work is waiting. A failing run is logged and the loop goes on.
 * stop() waits for the run in flight, so the pools can be closed after it.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    private readonly name: string,
    /** Resolves true when more work is waiting right now. */
    private readonly run: () => Promise<boolean>,
    private readonly logger: Logger,
  ) {}

  /** The first run comes after firstDelayMs (by default a whole interval). */
  start(intervalMs: number, firstDelayMs = intervalMs): void {
    if (this.timer || this.current) return;
    this.stopping = false;
    const tick = async () => {
      this.timer = undefined;
      // Each run is a trace of its own, exported when the run did work (see IdleRunFilter).
      const run = inRunSpan(this.name, async () => {
        const more = await this.run();
        if (more) recordRunWork(1);
        return more;
      }).catch((error: unknown) => {
        this.logger.error(`${this.name} run failed`, { error });
        return false;
      });
      this.current = run;
      const moreWaiting = await run;
      this.current = undefined;
      if (!this.stopping) this.schedule(tick, moreWaiting ? 0 : intervalMs);
    };
    this.schedule(tick, firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(tick: () => Promise<void>, delayMs: number): void {
    this.timer = setTimeout(() => void tick(), delayMs);
    this.timer.unref();
  }
}
