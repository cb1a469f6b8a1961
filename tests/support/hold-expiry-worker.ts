/**
 * A second OCP instance in its own process, for the test that two instances expire holds at once
 * (tests/component/ledger/holds-expiry.test.ts): the whole container on the test's PostgreSQL
 * schema, with only the hold expiry loop running (every 20 ms). Prints {"ready":true} once started;
 * on a "stop" line on stdin it closes and prints {"expired":[...]}, the ids of the holds whose
 * expiry this process committed (from its own hold.expired events).
 *
 * Run: node --import tsx tests/support/hold-expiry-worker.ts <schema>, with DATABASE_URL set.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config/config';
import { createContainer } from '../../src/container';
import { MemoryCache } from '../../src/infra/cache/memory-cache';
import { PostgresDatabase } from '../../src/infra/db/postgres';
import { createLogger } from '../../src/infra/logger';

async function main(): Promise<void> {
  const schema = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!schema || !url) throw new Error('usage: DATABASE_URL=… hold-expiry-worker.ts <schema>');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: url,
    HOLD_EXPIRY_INTERVAL_MS: '20',
    WEBHOOK_WORKER_INTERVAL_MS: '0',
    MONITOR_SWEEP_INTERVAL_MS: '0',
    CARD_REFUND_WORKER_INTERVAL_MS: '0',
    CARD_CHARGE_SWEEP_INTERVAL_MS: '0',
    METRICS_PROCESS_ENABLED: 'false',
  });
  const db = new PostgresDatabase({ connectionString: url, poolMax: 4, schema });
  const container = await createContainer(config, { db, cache: new MemoryCache(), logger: createLogger('error') });
  const expired = new Set<string>();
  container.events.subscribe('hold.expired', (event) => {
    expired.add(String(event.data.holdId));
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for await (const line of createInterface({ input: process.stdin })) if (line.trim() === 'stop') break;
  await container.close();
  process.stdout.write(`${JSON.stringify({ expired: [...expired] })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
