import type { QueryOptions, SqlClient } from '../../../src/infra/db/database';
import { SqlTransferRecords } from '../../../src/modules/ledger/adapters/sql-transfer-records.repository';
import { createWallet } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/**
 * The caller-wide transfer list is searched through the GIN index on transfers.metadata (migration
 * 0240): the planner, given real statistics over enough rows, answers metadata[key]=value with the
 * index, not by walking every transfer newest first. The statement planned is the adapter's own:
 * a client in front of the database runs EXPLAIN on exactly what the adapter sends.
 */
describe('metadata filter plan', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when 20,000 transfers exist and the caller filters by one order id, then the plan reads transfers_metadata_idx', async () => {
    const { db } = t.container;
    const caller = await registerUser(t);
    const other = await registerUser(t);
    const mine = [(await createWallet(t, caller)).id, (await createWallet(t, caller)).id];
    const theirs = [(await createWallet(t, other)).id, (await createWallet(t, other)).id];
    // Transfer rows only (no entries, no balances): what the planner weighs is this table's size and
    // statistics, and 20,000 postings would take longer to write than to plan.
    await db.query(
      `INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, initiated_by, metadata, created_at)
       SELECT 'trf_plan_' || i, 'transfer', 'completed', 1, 'USD',
              CASE WHEN i % 10 = 0 THEN $1 ELSE $3 END, CASE WHEN i % 10 = 0 THEN $2 ELSE $4 END, 'usr_plan',
              CASE WHEN i % 4 = 3 THEN '{}'::jsonb
                   ELSE jsonb_build_object('orderId', 'ord_' || i, 'channel', CASE WHEN i % 2 = 0 THEN 'web' ELSE 'app' END) END,
              now() - make_interval(secs => i)
         FROM generate_series(1, 20000) AS i`,
      [mine[0], mine[1], theirs[0], theirs[1]],
    );
    // As the owner: ANALYZE skips, with a warning only, a table its role does not own.
    await inSystemScope(() => db.exec('ANALYZE transfers; ANALYZE wallets;'));

    const plans: PlanNode[] = [];
    const explaining: SqlClient = {
      query: async <R>(text: string, params?: readonly unknown[], options?: QueryOptions) => {
        const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params, options);
        plans.push(rows[0]!['QUERY PLAN'][0]!.Plan);
        return db.query<R>(text, params, options);
      },
      exec: (script) => db.exec(script),
    };
    const records = new SqlTransferRecords(explaining);

    const found = await records.listForUser(caller.id, { orderId: 'ord_12340' }, 20);
    expect(found.map((r) => r.id)).toEqual(['trf_plan_12340']);
    const indexes = nodes(plans[0]!).map((n) => n['Index Name']);
    expect(indexes).toContain('transfers_metadata_idx');
    // The filter found the row, not a walk down created_at.
    expect(indexes).not.toContain('transfers_created_idx');

    // Someone else's transfer with that order id is not the caller's.
    expect(await records.listForUser(caller.id, { orderId: 'ord_12341' }, 20)).toEqual([]);
  });
});
