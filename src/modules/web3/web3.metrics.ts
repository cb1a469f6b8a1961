import { Gauge } from 'prom-client';
import { withTimeout } from '../../shared/timeout';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics';
import type { PendingSendsOfChain, Web3Repository } from './web3.repository';

/** A scrape must not hang on a slow database: Prometheus' own scrape timeout is 10 s by default. */
const SCRAPE_QUERY_TIMEOUT_MS = 2_000;

/**
 * Web3 gauges read from the database when Prometheus scrapes, not counted in memory: web3_sends holds
 * the pending sends of every replica and from before any restart, so each instance reports the same
 * truth (aggregate across instances with max, not sum). Configured chains with nothing pending report 0.
 * A failing or slow database leaves both gauges without samples for that scrape and logs a warning;
 * /metrics still answers with everything else.
 */
export function registerWeb3Metrics(deps: {
  metrics: Metrics;
  repo: Pick<Web3Repository, 'pendingSendsByChain'>;
  chainIds: readonly number[];
  logger: Logger;
  scrapeTimeoutMs?: number;
}): void {
  const { metrics, repo, chainIds, logger, scrapeTimeoutMs = SCRAPE_QUERY_TIMEOUT_MS } = deps;
  // The registry runs every collect() of one scrape together, so both gauges share this one query.
  let inFlight: Promise<PendingSendsOfChain[] | null> | undefined;
  const load = () =>
    (inFlight ??= withTimeout(repo.pendingSendsByChain(), scrapeTimeoutMs, 'the pending web3 sends count')
      .catch((error: unknown) => {
        logger.warn('web3 metrics could not read the pending sends', { error });
        return null;
      })
      .finally(() => {
        inFlight = undefined;
      }));

  /** Sets one value per chain: 0 for configured chains, then what the database says (unconfigured chains too). */
  const fill = (gauge: Gauge<'chain_id'>, rows: PendingSendsOfChain[] | null, value: (row: PendingSendsOfChain) => number) => {
    gauge.reset();
    if (!rows) return;
    for (const id of chainIds) gauge.set({ chain_id: String(id) }, 0);
    for (const row of rows) gauge.set({ chain_id: String(row.chainId) }, value(row));
  };

  new Gauge({
    name: 'ocp_web3_pending_transactions',
    help: 'Web3 sends broadcast and not yet confirmed or failed, by chain id (counted in the database at scrape time)',
    labelNames: ['chain_id'] as const,
    registers: [metrics.registry],
    async collect() {
      fill(this, await load(), (row) => row.count);
    },
  });
  new Gauge({
    name: 'ocp_web3_oldest_pending_transaction_age_seconds',
    help: 'Age of the oldest pending web3 send, by chain id (0 when none is pending); a stuck send makes it grow',
    labelNames: ['chain_id'] as const,
    registers: [metrics.registry],
    async collect() {
      const now = Date.now();
      fill(this, await load(), (row) => Math.max(0, (now - row.oldestCreatedAt.getTime()) / 1000));
    },
  });
}
