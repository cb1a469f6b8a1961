import { createLogger } from '../../../src/infra/logger';
import { createMetrics } from '../../../src/infra/metrics';
import { registerWeb3Metrics } from '../../../src/modules/web3/web3.metrics';
import type { PendingSendsOfChain } from '../../../src/modules/web3/web3.repository';
import { CapturedLogs } from '../../support/test-app';

/** The registry with the web3 gauges over a fake repository answering `pending`. */
function setup(pending: () => Promise<PendingSendsOfChain[]>, chainIds: number[] = [31337, 11155111]) {
  const metrics = createMetrics({ processMetrics: false });
  const logs = new CapturedLogs();
  const repo = { pendingSendsByChain: jest.fn(pending) };
  registerWeb3Metrics({ metrics, repo, chainIds, logger: createLogger('debug', [logs]), scrapeTimeoutMs: 50 });
  return { scrape: () => metrics.registry.metrics(), repo, logs };
}

const samples = (text: string, name: string) =>
  Object.fromEntries([...text.matchAll(new RegExp(`^${name}\\{chain_id="(\\d+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1]!, Number(m[2])]));

describe('the web3 pending-send gauges', () => {
  it('when the database counts pending sends, then each chain reports its count and oldest age, configured chains without any report 0', async () => {
    const oldest = new Date(Date.now() - 90_000);
    const { scrape, repo } = setup(async () => [
      { chainId: 31337, count: 3, oldestCreatedAt: oldest },
      // Sends of a chain since removed from WEB3_CHAINS: nobody watches them, they must still show.
      { chainId: 5, count: 1, oldestCreatedAt: new Date() },
    ]);
    const text = await scrape();
    expect(samples(text, 'ocp_web3_pending_transactions')).toEqual({ '31337': 3, '11155111': 0, '5': 1 });
    const ages = samples(text, 'ocp_web3_oldest_pending_transaction_age_seconds');
    expect(ages['31337']).toBeGreaterThanOrEqual(90);
    expect(ages['31337']).toBeLessThan(120);
    expect(ages['11155111']).toBe(0);
    // One query feeds both gauges.
    expect(repo.pendingSendsByChain).toHaveBeenCalledTimes(1);
  });

  it('when a send settles between scrapes, then the next scrape drops it (values are read, not accumulated)', async () => {
    let rows: PendingSendsOfChain[] = [{ chainId: 31337, count: 2, oldestCreatedAt: new Date() }];
    const { scrape, repo } = setup(async () => rows);
    expect(samples(await scrape(), 'ocp_web3_pending_transactions')['31337']).toBe(2);
    rows = [];
    expect(samples(await scrape(), 'ocp_web3_pending_transactions')).toEqual({ '31337': 0, '11155111': 0 });
    expect(repo.pendingSendsByChain).toHaveBeenCalledTimes(2);
  });

  it('when the database fails or hangs during a scrape, then /metrics still answers, without web3 samples, and the failure is logged', async () => {
    for (const pending of [() => Promise.reject(new Error('connection terminated')), () => new Promise<never>(() => {})]) {
      const { scrape, logs } = setup(pending);
      const text = await scrape();
      expect(text).toContain('# TYPE ocp_web3_pending_transactions gauge');
      expect(text).toContain('# TYPE http_requests_total counter');
      expect(samples(text, 'ocp_web3_pending_transactions')).toEqual({});
      expect(samples(text, 'ocp_web3_oldest_pending_transaction_age_seconds')).toEqual({});
      expect(logs.entries.filter((e) => e.message === 'web3 metrics could not read the pending sends')).toHaveLength(1);
    }
  });

  it('when the database recovers, then the gauges report again', async () => {
    let fail = true;
    const { scrape } = setup(async () => {
      if (fail) throw new Error('down');
      return [{ chainId: 31337, count: 4, oldestCreatedAt: new Date() }];
    });
    expect(samples(await scrape(), 'ocp_web3_pending_transactions')).toEqual({});
    fail = false;
    expect(samples(await scrape(), 'ocp_web3_pending_transactions')['31337']).toBe(4);
  });
});
