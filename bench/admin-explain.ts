/**
 * How the admin analytics and search queries behave on large tables: generates ROWS transfers
 * (default 200k) with their entries, wallets and card charges, plus agents with their payments and
 * decisions (ROWS / 4 each) and web3 sends (ROWS / 4), in a throw-away schema of a *test*
 * PostgreSQL database, then prints EXPLAIN ANALYZE of each query. Run:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/admin-explain.ts
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../src/infra/db/migrate';
import { PostgresDatabase } from '../src/infra/db/postgres';
import { SqlAnalyticsRepository } from '../src/modules/admin/adapters/sql-analytics.repository';

const ROWS = Number(process.env.ROWS ?? 200_000);
const WALLETS = 4_000;

const GENERATE = `
INSERT INTO users (id, email, role, password_hash)
  SELECT 'usr_' || g, 'u' || g || '@bench.test', 'user', 'x' FROM generate_series(1, ${WALLETS / 2}) g;
INSERT INTO wallets (id, kind, user_id, currency, created_at)
  SELECT 'wal_' || g, 'user', 'usr_' || (1 + g % ${WALLETS / 2}), (ARRAY['USD','EUR'])[1 + g % 2], now() - (g % 365) * interval '1 day'
    FROM generate_series(1, ${WALLETS}) g;
INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, initiated_by, created_at)
  SELECT 'trf_' || g, (ARRAY['transfer','transfer','transfer','card_funding','refund','adjustment'])[1 + g % 6], 'completed',
         1 + (g * 7919) % 100000, (ARRAY['USD','EUR'])[1 + g % 2], 'wal_' || (1 + (g * 2) % ${WALLETS}),
         'wal_' || (1 + (g * 2 + 2) % ${WALLETS}), 'usr_' || (1 + g % ${WALLETS / 2}),
         now() - (g::float / ${ROWS}) * interval '365 days'
    FROM generate_series(1, ${ROWS}) g;
INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
  SELECT 'txd_' || substr(id, 5), id, from_wallet_id, -amount, 0, currency, to_wallet_id, created_at FROM transfers
  UNION ALL
  SELECT 'txc_' || substr(id, 5), id, to_wallet_id, amount, 0, currency, from_wallet_id, created_at FROM transfers;
INSERT INTO card_charges (id, scope, idempotency_key, purpose, wallet_id, token_id, amount, currency, processor, status, created_at)
  SELECT 'ch_' || g, 's', 'k' || g, 'card_funding', 'wal_' || (1 + g % ${WALLETS}), 'tok', 100, 'USD', 'sandbox',
         (ARRAY['succeeded','failed','pending','succeeded'])[1 + g % 4], now() - (g::float / ${ROWS / 4}) * interval '365 days'
    FROM generate_series(1, ${ROWS / 4}) g;
INSERT INTO agents (id, owner_id, name, wallet_id, client_id, secret_hash, created_at)
  SELECT 'agt_' || g, 'usr_' || g, 'bench', 'wal_' || g, 'cli_' || g, 'x', now() - (g % 365) * interval '1 day'
    FROM generate_series(1, ${WALLETS / 2}) g;
INSERT INTO agent_payments (id, agent_id, owner_id, status, amount, currency, from_wallet_id, to_wallet_id, source, policy_version, transfer_id, created_at)
  SELECT 'apm_' || g, 'agt_' || (1 + g % ${WALLETS / 2}), 'usr_' || (1 + g % ${WALLETS / 2}),
         (ARRAY['completed','pending_approval','declined','expired'])[1 + g % 4], 100, 'USD', 'wal_1', 'wal_2', 'a2a', 1,
         CASE WHEN g % 4 = 0 THEN 'trf_' || g END, now() - (g::float / ${ROWS / 4}) * interval '365 days'
    FROM generate_series(1, ${ROWS / 4}) g;
-- Mostly allowed decisions, as in life; one in five refused, most of those by a rule.
INSERT INTO agent_audit_log (id, agent_id, owner_id, decision, rule, reason, created_at)
  SELECT 'aal_' || g, 'agt_' || (1 + g % ${WALLETS / 2}), 'usr_' || (1 + g % ${WALLETS / 2}),
         CASE WHEN g % 5 = 0 THEN 'refused' ELSE 'allowed' END,
         CASE WHEN g % 5 = 0 AND g % 3 > 0 THEN (ARRAY['daily_budget','max_per_transaction'])[1 + g % 2] END, 'x',
         now() - (g::float / ${ROWS / 4}) * interval '365 days'
    FROM generate_series(1, ${ROWS / 4}) g;
INSERT INTO web3_wallets (id, owner_id, address, chain_id, created_at)
  SELECT 'w3w_' || g, 'usr_' || g, '0xbench' || g, 31337, now() - interval '400 days' FROM generate_series(1, 100) g;
INSERT INTO web3_sends (id, wallet_id, owner_id, chain_id, from_address, to_address, asset, asset_symbol, amount, nonce, tx_hash, raw_tx, status, created_at)
  SELECT 'w3s_' || g, 'w3w_' || (1 + g % 100), 'usr_' || (1 + g % 100), (ARRAY[1, 10, 31337])[1 + g % 3], '0xbench' || (1 + g % 100), '0xto',
         (ARRAY['native','native','0xtoken'])[1 + g % 3], 'SYM', 1000000000000000000::numeric + g, g, '0xhash' || g, '0x',
         (ARRAY['confirmed','confirmed','confirmed','pending','failed'])[1 + g % 5], now() - (g::float / ${ROWS / 4}) * interval '365 days'
    FROM generate_series(1, ${ROWS / 4}) g;
ANALYZE;
`;

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/test/i.test(new URL(url).pathname)) throw new Error('Set DATABASE_URL to a database whose name says test');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = new PostgresDatabase({ connectionString: url, poolMax: 4, schema });
  try {
    await migrate(db);
    let started = Date.now();
    await db.exec(GENERATE);
    process.stdout.write(
      `generated ${ROWS} transfers, ${ROWS * 2} entries, ${ROWS / 4} charges, agent payments, agent decisions and web3 sends in ${Date.now() - started} ms\n`,
    );
    const week = { from: new Date(Date.now() - 7 * 86_400_000), to: new Date() };
    const explain = async (label: string, sql: string, params: unknown[]) => {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params);
      process.stdout.write(`\n== ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    };
    await explain(
      'transactions by type and currency, last 7 days',
      'SELECT type, currency, count(*), sum(amount) FROM transfers WHERE created_at >= $1 AND created_at < $2 GROUP BY type, currency',
      [week.from, week.to],
    );
    await explain(
      'active wallets, last 7 days',
      `SELECT count(DISTINCT e.wallet_id) FROM transactions e JOIN wallets w ON w.id = e.wallet_id AND w.kind = 'user'
        WHERE e.created_at >= $1 AND e.created_at < $2`,
      [week.from, week.to],
    );
    await explain(
      'card charges by status, last 7 days',
      'SELECT status, count(*) FROM card_charges WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
      [week.from, week.to],
    );
    await explain(
      'agent payments by status, last 7 days',
      'SELECT status, count(*) FROM agent_payments WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
      [week.from, week.to],
    );
    await explain(
      'agent policy refusals by rule, last 7 days',
      `SELECT rule, count(*) FROM agent_audit_log WHERE decision = 'refused' AND rule IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY rule`,
      [week.from, week.to],
    );
    await explain(
      'web3 sends by chain, asset and status, last 7 days',
      `SELECT chain_id, asset, min(asset_symbol), status, count(*), sum(amount) FROM web3_sends
        WHERE created_at >= $1 AND created_at < $2 GROUP BY chain_id, asset, status`,
      [week.from, week.to],
    );
    await explain(
      'admin transaction search by wallet, newest first',
      `SELECT id FROM transfers WHERE id IN (SELECT id FROM transfers WHERE from_wallet_id = $1 UNION ALL SELECT id FROM transfers WHERE to_wallet_id = $1)
        ORDER BY created_at DESC, id DESC LIMIT 21`,
      ['wal_17'],
    );
    await explain(
      'velocity rule: debits of one wallet in a minute',
      `SELECT count(*) FROM transfers WHERE from_wallet_id = $1 AND created_at <= now() AND created_at > now() - interval '60 seconds'`,
      ['wal_17'],
    );
    const repo = new SqlAnalyticsRepository(db);
    for (const [label, period] of [
      ['7 days', week],
      ['365 days', { from: new Date(Date.now() - 365 * 86_400_000), to: new Date() }],
    ] as const) {
      started = Date.now();
      await repo.summary(period);
      const summaryMs = Date.now() - started;
      started = Date.now();
      await repo.timeseries('transaction_count', 'day', period);
      const seriesMs = Date.now() - started;
      started = Date.now();
      await repo.timeseries('web3_sends', 'day', period);
      process.stdout.write(
        `\nsummary over ${label}: ${summaryMs} ms; daily transaction_count series: ${seriesMs} ms; daily web3_sends series: ${Date.now() - started} ms\n`,
      );
    }
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
