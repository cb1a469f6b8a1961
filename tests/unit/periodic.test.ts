import type { Logger } from '../../src/infra/logger';
import { Periodic } from '../../src/infra/periodic';

/** The background loop every worker runs on, on a fake clock: no sleeps, no timing luck. */
describe('Periodic', () => {
  const logger = { error: jest.fn() } as unknown as Logger;
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when started, then it runs once per interval, and not before the first interval', async () => {
    const run = jest.fn(async () => false);
    const loop = new Periodic('test', run, logger);
    loop.start(100);
    await jest.advanceTimersByTimeAsync(99);
    expect(run).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(run).toHaveBeenCalledTimes(3);
    await loop.stop();
  });

  it('when stopped, then no run starts afterwards however much time passes', async () => {
    const run = jest.fn(async () => false);
    const loop = new Periodic('test', run, logger);
    loop.start(10);
    await jest.advanceTimersByTimeAsync(10);
    expect(run).toHaveBeenCalledTimes(1);
    await loop.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('when stopped during a run, then stop() resolves only after that run, and the loop does not schedule another', async () => {
    let finish!: () => void;
    const run = jest.fn(() => new Promise<boolean>((resolve) => (finish = () => resolve(false))));
    const loop = new Periodic('test', run, logger);
    loop.start(10);
    await jest.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('when a run says more work is waiting, then the next run comes at once; when a run fails, the loop goes on', async () => {
    const answers = [true, false];
    const run = jest.fn(async () => {
      if (run.mock.calls.length === 3) throw new Error('boom');
      return answers.shift() ?? false;
    });
    const loop = new Periodic('test', run, logger);
    loop.start(100);
    await jest.advanceTimersByTimeAsync(100);
    // Node runs a 0 ms timer after 1 ms.
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(99);
    expect(run).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(3);
    expect(logger.error).toHaveBeenCalledWith('test run failed', expect.anything());
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(4);
    await loop.stop();
  });
});
