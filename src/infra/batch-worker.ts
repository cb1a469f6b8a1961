import { Counter } from 'prom-client';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { Periodic } from './periodic';
import { inSystemScope, inTenant } from './tenant-scope';
import { recordRunWork } from './tracing/spans';

export interface BatchWorkerSpec<T, O extends string> {
  /** Names the loop in logs. */
  name: string;
  outcomes: readonly O[];
  /** A counter of outcomes (label `outcome`), each exported at 0 from the start so increase() sees the first. */
  metric?: { metrics: Metrics; name: string; help: string };
  batchSize: number;
  /** Leases up to `limit` due items: a leased item is no other worker's until its lease ends. */
  claim: (limit: number) => Promise<T[]>;
  /** Works one item and records its outcome; throws only when the outcome could not be recorded. */
  handle: (item: T) => Promise<O>;
  /** The tenant the item belongs to: it is worked inside that tenant (docs/tenants.md). */
  tenantOf: (item: T) => string;
  /** Ids and amounts for the log line when an outcome could not be recorded: never a secret. */
  describe: (item: T) => Record<string, unknown>;
}

export type BatchSummary<O extends string> = Record<O, number> & { claimed: number };

/**
 * What the lease/backoff workers share (card refunds, card charge recovery): each run leases a
 * batch, works every item at once and tallies the outcomes; a full batch runs again at once. When
 * an outcome cannot be recorded (the database went away) the item is logged and left to its lease,
 * which expires, so it is taken again: never lost, never worked by two workers at once.
 */
export class BatchWorker<T, O extends string> {
  private readonly loop: Periodic;
  private readonly counter?: Counter<'outcome'>;

  constructor(
    private readonly spec: BatchWorkerSpec<T, O>,
    private readonly logger: Logger,
  ) {
    const metric = spec.metric;
    this.counter =
      metric &&
      new Counter({ name: metric.name, help: metric.help, labelNames: ['outcome'] as const, registers: [metric.metrics.registry] });
    for (const outcome of spec.outcomes) this.counter?.inc({ outcome }, 0);
    this.loop = new Periodic(spec.name, async () => (await this.runOnce()).claimed === spec.batchSize, logger);
  }

  /** One batch. Errors: only the claim's (a database outage). */
  async runOnce(): Promise<BatchSummary<O>> {
    // Due items of every tenant: the lease is taken as the owner, each item then worked in its own.
    const claimed = await inSystemScope(() => this.spec.claim(this.spec.batchSize));
    recordRunWork(claimed.length);
    const counts = new Map<O, number>(this.spec.outcomes.map((outcome) => [outcome, 0]));
    for (const outcome of await Promise.all(claimed.map((item) => this.work(item)))) {
      if (outcome) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
    return { ...(Object.fromEntries(counts) as Record<O, number>), claimed: claimed.length };
  }

  /** One item, also outside a run (right after the commit that made it due); undefined when unrecorded. */
  async work(item: T): Promise<O | undefined> {
    try {
      const outcome = await inTenant(this.spec.tenantOf(item), () => this.spec.handle(item));
      this.counter?.inc({ outcome });
      return outcome;
    } catch (error) {
      this.logger.error(`${this.spec.name}: the outcome could not be recorded; the lease expires and the item is taken again`, {
        ...this.spec.describe(item),
        error,
      });
      return undefined;
    }
  }

  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
