import { ReplicaReads } from '../../../src/infra/db/read-replica';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { createLogger } from '../../../src/infra/logger';
import { createWallet, fund, transfer } from '../../support/ledger';
import { postgresBinDir, startPrimary, startReplica, type OwnCluster } from '../../support/pg-cluster';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

// Needs PostgreSQL's own binaries to build a primary and a streaming replica of the test's own
// (never the shared server); the PGlite run has no replica to speak of.
const bin = postgresBinDir();
const runs = Boolean(process.env.DATABASE_URL && bin);
if (!runs) process.stdout.write('read-replica.test.ts skipped: needs DATABASE_URL and /usr/lib/postgresql/*/bin\n');

(runs ? describe : describe.skip)('a read replica (DATABASE_READ_URL)', () => {
  let primary: OwnCluster;
  let replica: OwnCluster | undefined;
  let primaryDb: PostgresDatabase;
  let replicaDb: PostgresDatabase;
  let t: TestApp;

  beforeAll(async () => {
    primary = await startPrimary(bin!);
    await primary.psql('CREATE DATABASE ocp_test');
    replica = await startReplica(bin!, primary);
    primaryDb = new PostgresDatabase({ connectionString: primary.url('ocp_test'), poolMax: 10 });
    replicaDb = new PostgresDatabase({ connectionString: replica.url('ocp_test'), poolMax: 4, connectTimeoutMs: 1_000 });
    const reads = new ReplicaReads(replicaDb, primaryDb, createLogger('error'));
    t = await startTestApp({}, { db: primaryDb, reads });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await replicaDb?.close();
    await primaryDb?.close();
    await replica?.stop();
    await primary?.stop();
  }, 30_000);

  /** Waits until the replica has replayed everything the primary wrote so far. */
  async function replicaCaughtUp() {
    const lsn = await primary.psql('SELECT pg_current_wal_lsn()');
    for (let i = 0; i < 200; i++) {
      if ((await replica!.psql(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`)) === 't') return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('replica did not catch up');
  }

  it('when replay on the replica is paused, then history lags while the balance and the transfer itself do not', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    await replicaCaughtUp();
    const before = await t.http().get(`/api/v1/wallets/${from.id}/transactions`).set(alice.auth);
    expect(before.status).toBe(200);
    expect(before.body.data).toHaveLength(1);
    // The operators' read-only views: the transfer search by wallet, and analytics' count of transfers.
    const admin = await loginAdmin(t);
    const adminSearch = () => t.http().get(`/api/v1/admin/transactions?walletId=${from.id}`).set(admin.auth);
    const transfersCounted = async () => {
      const summary = await t.http().get('/api/v1/admin/analytics/summary').set(admin.auth);
      expect(summary.status).toBe(200);
      return (summary.body.transactions as Array<{ type: string; count: number }>).find((row) => row.type === 'transfer')?.count ?? 0;
    };
    expect((await adminSearch()).body.data).toHaveLength(1);
    const countedBefore = await transfersCounted();

    await replica!.psql('SELECT pg_wal_replay_pause()');
    try {
      const sent = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '250' });
      expect(sent.status).toBe(201);

      // Read-your-writes on the primary: the balance right after the transfer.
      const wallet = await t.http().get(`/api/v1/wallets/${from.id}`).set(alice.auth);
      expect(wallet.body.balance).toBe('750');
      // History comes from the replica, which has not replayed the transfer yet.
      const lagging = await t.http().get(`/api/v1/wallets/${from.id}/transactions`).set(alice.auth);
      expect(lagging.status).toBe(200);
      expect(lagging.body.data).toHaveLength(1);
      // So do the operators' search and analytics.
      expect((await adminSearch()).body.data).toHaveLength(1);
      expect(await transfersCounted()).toBe(countedBefore);
    } finally {
      await replica!.psql('SELECT pg_wal_replay_resume()');
    }
    await replicaCaughtUp();
    const caughtUp = await t.http().get(`/api/v1/wallets/${from.id}/transactions`).set(alice.auth);
    expect(caughtUp.body.data).toHaveLength(2);
    expect((await adminSearch()).body.data).toHaveLength(2);
    expect(await transfersCounted()).toBe(countedBefore + 1);
    const ready = await t.http().get('/ready');
    expect(ready.body).toMatchObject({ status: 'ready', checks: { database: 'ok', readReplica: 'ok' } });
  });

  it('when the replica is down, then history is read from the primary and /ready says degraded', async () => {
    const alice = await registerUser(t);
    const from = await createWallet(t, alice);
    await fund(t, from.id, 500);
    await replica!.stop();
    replica = undefined;

    const history = await t.http().get(`/api/v1/wallets/${from.id}/transactions`).set(alice.auth);
    expect(history.status).toBe(200);
    expect(history.body.data).toHaveLength(1);
    const ready = await t.http().get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', checks: { database: 'ok', readReplica: 'degraded' } });
  });
});
