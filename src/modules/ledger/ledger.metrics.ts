import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../../infra/metrics';
import type { EventBus } from '../../shared/events';

/** Ledger metrics, fed by domain events rather than by lines inside the money path. */
export function subscribeLedgerMetrics(bus: EventBus, metrics: Metrics): void {
  const registers = [metrics.registry];
  const transfers = new Counter({
    name: 'ocp_transfers_total',
    help: 'Completed transfers by type and currency',
    labelNames: ['type', 'currency'] as const,
    registers,
  });
  const volume = new Counter({
    name: 'ocp_transfer_volume_minor_total',
    help: 'Value moved by completed transfers, in minor units, by type and currency',
    labelNames: ['type', 'currency'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'ocp_transfer_failures_total',
    help: 'Refused transfers by type and reason',
    labelNames: ['type', 'reason'] as const,
    registers,
  });
  const walletsCreated = new Counter({
    name: 'ocp_wallets_created_total',
    help: 'Wallets opened, by currency',
    labelNames: ['currency'] as const,
    registers,
  });

  bus.subscribe('transfer.posted', (e) => {
    const { type, currency, amount } = e.data as Record<string, string>;
    transfers.inc({ type, currency });
    volume.inc({ type, currency }, Number(amount));
  });
  bus.subscribe('transfer.refused', (e) => refused.inc(e.data as { type: string; reason: string }));
  bus.subscribe('wallet.created', (e) => walletsCreated.inc({ currency: String(e.data.currency) }));
}

/**
 * `ocp_posting_queue_waiting`: postings waiting for a lane, read when Prometheus scrapes. It rises
 * with load and must fall back when load stops; a steady climb means PostgreSQL is not keeping up.
 */
export function registerPostingQueueGauge(metrics: Metrics, queue: { readonly postingsWaiting: number }): void {
  new Gauge({
    name: 'ocp_posting_queue_waiting',
    help: 'Postings waiting for a lane of the posting queue in this instance',
    registers: [metrics.registry],
    collect() {
      this.set(queue.postingsWaiting);
    },
  });
}
