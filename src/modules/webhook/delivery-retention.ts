import type { Logger } from '../../infra/logger';
import { inSystemScope } from '../../infra/tenant-scope';
import { Periodic } from '../../infra/periodic';
import { recordRunWork } from '../../infra/tracing/spans';
import type { WebhookDeliveryStore } from './webhook.repository';

const DAY_MS = 86_400_000;

export interface DeliveryRetentionOptions {
  retentionDays: number;
  /** Rows deleted per statement, so one run never holds many locks or a long transaction. */
  batchSize: number;
}

/**
 * Keeps webhook_deliveries from growing forever: delivered and failed rows older than
 * retentionDays are deleted in bounded batches, back to back while a backlog remains, then once
 * per interval. Pending rows stay, however old: they are still owed to their receiver.
 */
export class WebhookDeliveryRetention {
  private readonly loop: Periodic;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly logger: Logger,
    private readonly options: DeliveryRetentionOptions,
  ) {
    // A full batch means more is due: run again at once.
    this.loop = new Periodic('webhook retention', async () => (await this.runOnce()) === options.batchSize, logger);
  }

  /** One batch; returns how many rows went. Errors: only the database's. */
  async runOnce(): Promise<number> {
    // Every tenant's settled deliveries: a delete by age, as the owner.
    const deleted = await inSystemScope(() => this.store.deleteSettled(this.options.retentionDays * DAY_MS, this.options.batchSize));
    recordRunWork(deleted);
    if (deleted > 0) this.logger.info('webhook deliveries purged', { deleted, retentionDays: this.options.retentionDays });
    return deleted;
  }

  /** Runs every intervalMs, the first time after firstDelayMs (instances restart more often than hourly). */
  start(intervalMs: number, firstDelayMs = intervalMs): void {
    this.loop.start(intervalMs, firstDelayMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
