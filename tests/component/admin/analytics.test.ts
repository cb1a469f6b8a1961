import { createOperator } from '../../support/admin';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * A fixture with known totals, in a past window no other test writes to:
 * [2025-03-01, 2025-03-03) holds 5 transfers; one just before and one at the exclusive end do not count.
 * Likewise for agent payments, agent decisions and web3 sends, whose wei amounts are past 2^53 (and
 * one past 2^64) so that any float on the way would show.
 */
const FIXTURE = `
INSERT INTO users (id, email, role, password_hash) VALUES
  ('usr_a1', 'a1@fixture.test', 'user', 'x'), ('usr_a2', 'a2@fixture.test', 'user', 'x');
INSERT INTO wallets (id, kind, user_id, currency, created_at) VALUES
  ('wal_a1', 'user', 'usr_a1', 'USD', '2025-03-01T10:00:00Z'),
  ('wal_a2', 'user', 'usr_a2', 'USD', '2025-03-02T05:00:00Z'),
  ('wal_a3', 'user', 'usr_a2', 'EUR', '2025-02-20T00:00:00Z'),
  ('wal_sys_usd', 'system', NULL, 'USD', '2025-03-01T00:00:00Z'),
  ('wal_sys_eur', 'system', NULL, 'EUR', '2025-03-01T00:00:00Z');
INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, refund_of, initiated_by, created_at) VALUES
  ('trf_1', 'card_funding', 'completed', 1000, 'USD', 'wal_sys_usd', 'wal_a1', NULL, 'usr_a1', '2025-03-01T11:00:00Z'),
  ('trf_2', 'transfer', 'completed', 300, 'USD', 'wal_a1', 'wal_a2', NULL, 'usr_a1', '2025-03-01T12:30:00Z'),
  ('trf_3', 'transfer', 'completed', 200, 'USD', 'wal_a1', 'wal_a2', NULL, 'usr_a1', '2025-03-02T09:00:00Z'),
  ('trf_4', 'refund', 'completed', 50, 'USD', 'wal_a2', 'wal_a1', 'trf_3', 'usr_a2', '2025-03-02T10:00:00Z'),
  ('trf_5', 'adjustment', 'completed', 700, 'EUR', 'wal_sys_eur', 'wal_a3', NULL, 'usr_op', '2025-03-02T23:59:59Z'),
  ('trf_6', 'transfer', 'completed', 999, 'USD', 'wal_a1', 'wal_a2', NULL, 'usr_a1', '2025-03-03T00:00:00Z'),
  ('trf_7', 'transfer', 'completed', 888, 'USD', 'wal_a1', 'wal_a2', NULL, 'usr_a1', '2025-02-28T23:59:59Z');
INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
SELECT 'txn_d' || t.id, t.id, t.from_wallet_id, -t.amount, 0, t.currency, t.to_wallet_id, t.created_at FROM transfers t
UNION ALL
SELECT 'txn_c' || t.id, t.id, t.to_wallet_id, t.amount, 0, t.currency, t.from_wallet_id, t.created_at FROM transfers t;
INSERT INTO card_charges (id, scope, idempotency_key, purpose, wallet_id, token_id, amount, currency, processor, status, transfer_id, created_at) VALUES
  ('ch_1', 's', 'k1', 'card_funding', 'wal_a1', 'tok', 1000, 'USD', 'sandbox', 'credited', 'trf_1', '2025-03-01T10:59:00Z'),
  ('ch_2', 's', 'k2', 'card_funding', 'wal_a1', 'tok', 10, 'USD', 'sandbox', 'credited', 'trf_1', '2025-03-01T13:00:00Z'),
  ('ch_3', 's', 'k3', 'card_funding', 'wal_a1', 'tok', 10, 'USD', 'sandbox', 'failed', NULL, '2025-03-01T14:00:00Z'),
  ('ch_4', 's', 'k4', 'card_funding', 'wal_a2', 'tok', 10, 'USD', 'sandbox', 'succeeded', NULL, '2025-03-02T08:00:00Z'),
  ('ch_5', 's', 'k5', 'card_funding', 'wal_a2', 'tok', 10, 'USD', 'sandbox', 'pending', NULL, '2025-03-02T08:30:00Z'),
  ('ch_6', 's', 'k6', 'card_funding', 'wal_a2', 'tok', 10, 'USD', 'sandbox', 'failed', NULL, '2025-03-04T08:30:00Z');
INSERT INTO refund_requests (id, transaction_id, transfer_id, amount, currency, reason, status, requested_by, requested_by_role, created_at) VALUES
  ('rfr_1', 'txn_dtrf_2', 'trf_2', 100, 'USD', 'x', 'pending', 'usr_a1', 'customer', '2025-03-01T15:00:00Z'),
  ('rfr_2', 'txn_dtrf_2', 'trf_2', 100, 'USD', 'y', 'rejected', 'usr_a1', 'customer', '2025-03-02T15:00:00Z');
INSERT INTO agents (id, owner_id, name, wallet_id, client_id, secret_hash, created_at) VALUES
  ('agt_a1', 'usr_a1', 'shopper', 'wal_a1', 'cli_a1', 'x', '2025-03-01T09:00:00Z'),
  ('agt_a2', 'usr_a2', 'seller', 'wal_a2', 'cli_a2', 'x', '2025-02-27T09:00:00Z');
INSERT INTO agent_payments (id, agent_id, owner_id, status, amount, currency, from_wallet_id, to_wallet_id, source, policy_version, transfer_id, created_at) VALUES
  ('apm_1', 'agt_a1', 'usr_a1', 'completed', 300, 'USD', 'wal_a1', 'wal_a2', 'a2a', 1, 'trf_2', '2025-03-01T12:30:00Z'),
  ('apm_2', 'agt_a1', 'usr_a1', 'pending_approval', 900, 'USD', 'wal_a1', 'wal_a2', 'a2a', 1, NULL, '2025-03-02T01:00:00Z'),
  ('apm_3', 'agt_a1', 'usr_a1', 'declined', 900, 'USD', 'wal_a1', 'wal_a2', 'a2a', 1, NULL, '2025-03-02T02:00:00Z'),
  ('apm_4', 'agt_a1', 'usr_a1', 'expired', 900, 'USD', 'wal_a1', 'wal_a2', 'a2a', 1, NULL, '2025-03-02T03:00:00Z'),
  ('apm_5', 'agt_a1', 'usr_a1', 'completed', 999, 'USD', 'wal_a1', 'wal_a2', 'a2a', 1, 'trf_6', '2025-03-03T00:00:00Z');
INSERT INTO agent_audit_log (id, agent_id, owner_id, payment_id, decision, rule, reason, created_at) VALUES
  ('aal_1', 'agt_a1', 'usr_a1', 'apm_1', 'allowed', NULL, 'within policy', '2025-03-01T12:30:00Z'),
  ('aal_2', 'agt_a1', 'usr_a1', 'apm_x1', 'refused', 'max_per_transaction', 'policy_violation: over', '2025-03-01T13:00:00Z'),
  ('aal_3', 'agt_a1', 'usr_a1', 'apm_x2', 'refused', 'daily_budget', 'policy_violation: over', '2025-03-01T14:00:00Z'),
  ('aal_4', 'agt_a1', 'usr_a1', 'apm_x3', 'refused', 'daily_budget', 'policy_violation: over', '2025-03-02T14:00:00Z'),
  ('aal_5', 'agt_a1', 'usr_a1', 'apm_x4', 'refused', 'mandate_exhausted', 'mandate_exhausted: used up', '2025-03-02T15:00:00Z'),
  ('aal_6', 'agt_a1', 'usr_a1', 'apm_x5', 'refused', NULL, 'insufficient_funds: not a policy refusal', '2025-03-02T16:00:00Z'),
  ('aal_7', 'agt_a1', 'usr_a1', 'apm_2', 'pending_approval', 'approval_threshold', 'above the threshold', '2025-03-02T01:00:00Z'),
  ('aal_8', 'agt_a1', 'usr_a1', 'apm_3', 'declined', NULL, 'declined by the owner', '2025-03-02T02:00:00Z'),
  ('aal_9', 'agt_a1', 'usr_a1', 'apm_x6', 'refused', 'daily_budget', 'before the window', '2025-02-28T23:59:59Z'),
  ('aal_10', 'agt_a1', 'usr_a1', 'apm_x7', 'refused', 'daily_budget', 'at the exclusive end', '2025-03-03T00:00:00Z');
INSERT INTO web3_wallets (id, owner_id, address, chain_id, created_at) VALUES
  ('w3w_1', 'usr_a1', '0x00000000000000000000000000000000000000a1', 31337, '2025-02-01T00:00:00Z');
INSERT INTO web3_sends (id, wallet_id, owner_id, chain_id, from_address, to_address, asset, asset_symbol, amount, nonce, tx_hash, raw_tx, status, created_at) VALUES
  ('w3s_1', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 1000000000000000001, 0, '0x01', '0x', 'confirmed', '2025-03-01T10:00:00Z'),
  ('w3s_2', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 2000000000000000002, 1, '0x02', '0x', 'confirmed', '2025-03-02T10:00:00Z'),
  ('w3s_3', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 5, 2, '0x03', '0x', 'pending', '2025-03-02T11:00:00Z'),
  ('w3s_4', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 7000000000000000000, 3, '0x04', '0x', 'failed', '2025-03-02T12:00:00Z'),
  ('w3s_5', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', '0x5fbdb2315678afecb367f032d93f642f64180aa3', 'USDC', 123456789012345678901234567890, 4, '0x05', '0x', 'confirmed', '2025-03-01T20:00:00Z'),
  ('w3s_6', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', '0x5fbdb2315678afecb367f032d93f642f64180aa3', 'USDC', 9, 5, '0x06', '0x', 'confirmed', '2025-03-02T20:00:00Z'),
  ('w3s_7', 'w3w_1', 'usr_a1', 1, '0xa1', '0xb2', 'native', 'ETH', 1, 0, '0x07', '0x', 'failed', '2025-03-02T21:00:00Z'),
  ('w3s_8', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 999, 6, '0x08', '0x', 'confirmed', '2025-03-03T00:00:00Z'),
  ('w3s_9', 'w3w_1', 'usr_a1', 31337, '0xa1', '0xb2', 'native', 'ETH', 888, 7, '0x09', '0x', 'confirmed', '2025-02-28T23:59:59Z');
`;

describe('admin analytics', () => {
  let t: TestApp;
  let finance: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    await t.container.db.exec(FIXTURE);
    finance = (await createOperator(t, 'finance')).auth;
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string>) => t.http().get(`/api/v1/admin/analytics/${path}`).query(query).set(finance);
  const period = { from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z' };

  it('when the summary covers the fixture window, then every figure matches the known totals to the unit', async () => {
    const res = await get('summary', period);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-03T00:00:00.000Z',
      wallets: { created: 2, active: 3 },
      transactions: [
        { type: 'adjustment', currency: 'EUR', count: 1, volume: '700' },
        { type: 'card_funding', currency: 'USD', count: 1, volume: '1000' },
        { type: 'refund', currency: 'USD', count: 1, volume: '50' },
        { type: 'transfer', currency: 'USD', count: 2, volume: '500' },
      ],
      payments: { byStatus: { credited: 2, failed: 1, succeeded: 1, pending: 1 }, successRate: 0.75 },
      refunds: { count: 1, volume: [{ currency: 'USD', amount: '50' }], requestsByStatus: { pending: 1, rejected: 1 } },
      agents: {
        created: 1,
        payments: { byStatus: { completed: 1, pending_approval: 1, declined: 1, expired: 1 } },
        policyRefusals: { count: 4, byRule: { max_per_transaction: 1, daily_budget: 2, mandate_exhausted: 1 } },
      },
      web3: {
        sends: [
          { chainId: 1, status: 'failed', count: 1 },
          { chainId: 31337, status: 'confirmed', count: 4 },
          { chainId: 31337, status: 'failed', count: 1 },
          { chainId: 31337, status: 'pending', count: 1 },
        ],
        value: [
          { chainId: 1, asset: 'native', assetSymbol: 'ETH', confirmed: '0', pending: '0' },
          {
            chainId: 31337,
            asset: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
            assetSymbol: 'USDC',
            confirmed: '123456789012345678901234567899',
            pending: '0',
          },
          { chainId: 31337, asset: 'native', assetSymbol: 'ETH', confirmed: '3000000000000000003', pending: '5' },
        ],
      },
    });
  });

  it('when a daily series is asked for, then each UTC day has its own total and empty days are zero', async () => {
    const days = { ...period, to: '2025-03-04T00:00:00Z', interval: 'day' };
    const values = async (metric: string, extra: Record<string, string> = {}) =>
      (await get('timeseries', { ...days, metric, ...extra })).body.points.map((p: { bucket: string; value: unknown }) => [
        p.bucket.slice(0, 10),
        p.value,
      ]);
    expect(await values('transaction_count')).toEqual([
      ['2025-03-01', '2'],
      ['2025-03-02', '3'],
      ['2025-03-03', '1'],
    ]);
    expect(await values('transaction_volume', { currency: 'USD' })).toEqual([
      ['2025-03-01', '1300'],
      ['2025-03-02', '250'],
      ['2025-03-03', '999'],
    ]);
    expect(await values('transaction_volume', { currency: 'EUR' })).toEqual([
      ['2025-03-01', '0'],
      ['2025-03-02', '700'],
      ['2025-03-03', '0'],
    ]);
    expect(await values('wallets_created')).toEqual([
      ['2025-03-01', '1'],
      ['2025-03-02', '1'],
      ['2025-03-03', '0'],
    ]);
    expect(await values('refund_volume', { currency: 'USD' })).toEqual([
      ['2025-03-01', '0'],
      ['2025-03-02', '50'],
      ['2025-03-03', '0'],
    ]);
    expect(await values('payment_success_rate')).toEqual([
      ['2025-03-01', 0.6667],
      ['2025-03-02', 1],
      ['2025-03-03', null],
    ]);
    expect(await values('agent_policy_refusals')).toEqual([
      ['2025-03-01', '2'],
      ['2025-03-02', '2'],
      ['2025-03-03', '1'],
    ]);
    expect(await values('web3_sends')).toEqual([
      ['2025-03-01', '2'],
      ['2025-03-02', '5'],
      ['2025-03-03', '1'],
    ]);
  });

  it('when agent refusals are asked for by day, then each day counts its policy refusals by rule, the most frequent rule first', async () => {
    const res = await get('agent-refusals', { ...period, to: '2025-03-04T00:00:00Z' });
    expect(res.status).toBe(200);
    // aal_6 (refused without a rule) is not a policy refusal; aal_9 and aal_10 lie outside [from, to) of their days.
    expect(res.body).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-04T00:00:00.000Z',
      interval: 'day',
      rules: ['daily_budget', 'mandate_exhausted', 'max_per_transaction'],
      points: [
        { bucket: '2025-03-01T00:00:00.000Z', total: 2, byRule: { daily_budget: 1, max_per_transaction: 1 } },
        { bucket: '2025-03-02T00:00:00.000Z', total: 2, byRule: { daily_budget: 1, mandate_exhausted: 1 } },
        { bucket: '2025-03-03T00:00:00.000Z', total: 1, byRule: { daily_budget: 1 } },
      ],
    });
  });

  it('when agent refusals are asked for by hour over a quiet window, then every hour is there with none', async () => {
    const res = await get('agent-refusals', { interval: 'hour', from: '2025-03-01T12:00:00Z', to: '2025-03-01T14:00:00Z' });
    expect(res.body.rules).toEqual(['max_per_transaction']);
    expect(res.body.points).toEqual([
      { bucket: '2025-03-01T12:00:00.000Z', total: 0, byRule: {} },
      { bucket: '2025-03-01T13:00:00.000Z', total: 1, byRule: { max_per_transaction: 1 } },
    ]);
    const tooLong = await get('agent-refusals', { interval: 'hour', from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('range_too_large');
  });

  it('when an hourly series is asked for, then the buckets are hours', async () => {
    const res = await get('timeseries', {
      metric: 'transaction_count',
      interval: 'hour',
      from: '2025-03-01T10:00:00Z',
      to: '2025-03-01T13:00:00Z',
    });
    expect(res.body.points).toEqual([
      { bucket: '2025-03-01T10:00:00.000Z', value: '0' },
      { bucket: '2025-03-01T11:00:00.000Z', value: '1' },
      { bucket: '2025-03-01T12:00:00.000Z', value: '1' },
    ]);
  });

  it('when the OpenAPI document is read, then the summary schema has the agent and web3 figures, wei as strings', async () => {
    const doc = (await t.http().get('/openapi.json')).body;
    const summary = doc.components.schemas.AnalyticsSummary;
    expect(summary.properties.web3.properties.value.items.properties.confirmed).toMatchObject({ type: 'string', pattern: '^[0-9]+$' });
    expect(summary.properties.web3.properties.sends.items.properties.status.enum).toEqual(['pending', 'confirmed', 'failed']);
    expect(JSON.stringify(summary.properties.agents)).toContain('policyRefusals');
    expect(doc.components.schemas.AnalyticsTimeseries.properties.metric.enum).toEqual(
      expect.arrayContaining(['web3_sends', 'agent_policy_refusals']),
    );
  });

  it('when the input is wrong, then 400 with a reason', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ metric: 'transaction_count', from: '2025-03-03T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'validation_failed'],
      [{ metric: 'transaction_count', interval: 'hour', from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'range_too_large'],
      [{ metric: 'transaction_volume', ...period }, 'currency_required'],
      [{ metric: 'drop table', ...period }, 'validation_failed'],
    ];
    for (const [query, code] of cases) {
      const res = await get('timeseries', query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    expect((await get('summary', { from: 'yesterday' })).status).toBe(400);
  });
});
