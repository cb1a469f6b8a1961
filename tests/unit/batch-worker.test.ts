import { BatchWorker } from '../../src/infra/batch-worker';
import type { Logger } from '../../src/infra/logger';
import { createMetrics } from '../../src/infra/metrics';

type Outcome = 'done' | 'retried';

/** The loop the card refund and card charge recovery workers run on, with a fake store. */
describe('BatchWorker', () => {
  const logger = { error: jest.fn() } as unknown as Logger;
  const worker = (items: number[][], handle: (n: number) => Promise<Outcome>, metrics?: ReturnType<typeof createMetrics>) => {
    const claim = jest.fn(async (limit: number) => (items.shift() ?? []).slice(0, limit));
    const w = new BatchWorker<number, Outcome>(
      {
        name: 'test worker',
        outcomes: ['done', 'retried'],
        metric: metrics && { metrics, name: 'test_worker_total', help: 'test' },
        batchSize: 3,
        claim,
        handle,
        tenantOf: () => 'ten_default',
        describe: (n) => ({ item: n }),
      },
      logger,
    );
    return { w, claim };
  };

  it('when a batch is claimed, then every item is worked and the outcomes are tallied, each outcome listed even at 0', async () => {
    const { w, claim } = worker([[1, 2, 3]], async (n) => (n === 2 ? 'retried' : 'done'));
    expect(await w.runOnce()).toEqual({ claimed: 3, done: 2, retried: 1 });
    expect(claim).toHaveBeenCalledWith(3);
    expect(await w.runOnce()).toEqual({ claimed: 0, done: 0, retried: 0 });
  });

  it('when an outcome cannot be recorded, then that item is logged by its description and not counted, and the others are', async () => {
    const { w } = worker([[1, 2]], async (n) => {
      if (n === 1) throw new Error('database gone');
      return 'done';
    });
    expect(await w.runOnce()).toEqual({ claimed: 2, done: 1, retried: 0 });
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('could not be recorded'), expect.objectContaining({ item: 1 }));
  });

  it('when metrics are given, then every outcome is exported at 0 from the start and counted after', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const { w } = worker([[1]], async () => 'done', metrics);
    expect(await metrics.registry.getSingleMetricAsString('test_worker_total')).toMatch(/outcome="retried"} 0/);
    await w.runOnce();
    expect(await metrics.registry.getSingleMetricAsString('test_worker_total')).toMatch(/outcome="done"} 1/);
  });

  it('when started and a batch comes back full, then the next run comes at once; a short batch waits for the interval', async () => {
    jest.useFakeTimers();
    try {
      const { w, claim } = worker([[1, 2, 3], [4], []], async () => 'done');
      w.start(1_000);
      await jest.advanceTimersByTimeAsync(1_000);
      await jest.advanceTimersByTimeAsync(1);
      expect(claim).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(998);
      expect(claim).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(2);
      expect(claim).toHaveBeenCalledTimes(3);
      await w.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
