import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Transaction } from '../../../../shared/transaction';
import type { AutoTopUpRepository, AutoTopUpSettings, ClaimedTopUp, TopUpOutcome } from '../auto-top-up.repository';

interface SettingsRow {
  wallet_id: string;
  configured_by: string;
  enabled: boolean;
  threshold: bigint;
  amount: bigint;
  token_id: string;
  consecutive_failures: number;
  disabled_reason: string | null;
  updated_at: Date;
}

const COLUMNS = 'wallet_id, configured_by, enabled, threshold, amount, token_id, consecutive_failures, disabled_reason, updated_at';

const toSettings = (r: SettingsRow): AutoTopUpSettings => ({
  walletId: r.wallet_id,
  configuredBy: r.configured_by,
  enabled: r.enabled,
  threshold: BigInt(r.threshold),
  amount: BigInt(r.amount),
  tokenId: r.token_id,
  consecutiveFailures: Number(r.consecutive_failures),
  disabledReason: r.disabled_reason,
  updatedAt: r.updated_at,
});

export class SqlAutoTopUpRepository implements AutoTopUpRepository {
  constructor(private readonly db: SqlClient) {}

  async upsert(s: Pick<AutoTopUpSettings, 'walletId' | 'configuredBy' | 'enabled' | 'threshold' | 'amount' | 'tokenId'>) {
    // Saving the rule again (re-enabling it) starts the failure count afresh.
    const { rows } = await this.db.query<SettingsRow>(
      `INSERT INTO auto_top_up_settings (wallet_id, configured_by, enabled, threshold, amount, token_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (wallet_id) DO UPDATE SET configured_by = EXCLUDED.configured_by, enabled = EXCLUDED.enabled,
         threshold = EXCLUDED.threshold, amount = EXCLUDED.amount, token_id = EXCLUDED.token_id,
         consecutive_failures = 0, disabled_reason = NULL, updated_at = now()
       RETURNING ${COLUMNS}`,
      [s.walletId, s.configuredBy, s.enabled, s.threshold, s.amount, s.tokenId],
    );
    return toSettings(rows[0]!);
  }

  async find(walletId: string): Promise<AutoTopUpSettings | null> {
    const { rows } = await this.db.query<SettingsRow>(`SELECT ${COLUMNS} FROM auto_top_up_settings WHERE wallet_id = $1`, [walletId]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  claim(walletId: string, staleAfterMs: number): Promise<ClaimedTopUp | null> {
    return this.claimWhen(walletId, staleAfterMs, 'w.balance < s.threshold', []);
  }

  claimEarly(walletId: string, staleAfterMs: number, quietMs: number): Promise<ClaimedTopUp | null> {
    return this.claimWhen(
      walletId,
      staleAfterMs,
      `NOT EXISTS (SELECT 1 FROM auto_top_up_attempts a
                    WHERE a.wallet_id = s.wallet_id AND a.created_at > now() - make_interval(secs => $3::double precision / 1000))`,
      [quietMs],
    );
  }

  private async claimWhen(walletId: string, staleAfterMs: number, due: string, more: unknown[]): Promise<ClaimedTopUp | null> {
    const { rows } = await this.db.query<SettingsRow & { user_id: string; currency: string; balance: bigint }>(
      `UPDATE auto_top_up_settings s SET running_since = now()
         FROM wallets w
        WHERE s.wallet_id = $1 AND w.id = s.wallet_id AND s.enabled AND w.status = 'active' AND ${due}
          AND (s.running_since IS NULL OR s.running_since < now() - make_interval(secs => $2::double precision / 1000))
          -- A top-up whose process died mid-charge is finished by the charge sweeper; starting
          -- another would charge the card twice for one shortfall.
          AND NOT EXISTS (SELECT 1 FROM card_charges c
                           WHERE c.wallet_id = s.wallet_id AND c.purpose = 'auto_top_up' AND c.status IN ('pending', 'succeeded'))
        RETURNING ${COLUMNS.split(', ')
          .map((c) => `s.${c}`)
          .join(', ')}, w.user_id, w.currency, w.balance`,
      [walletId, staleAfterMs, ...more],
    );
    const row = rows[0];
    return row ? { settings: toSettings(row), walletUserId: row.user_id, currency: row.currency, balance: BigInt(row.balance) } : null;
  }

  async finish(tx: Transaction, o: TopUpOutcome, failuresMax: number): Promise<{ disabled: boolean }> {
    await sqlOf(tx).query(
      `INSERT INTO auto_top_up_attempts (id, wallet_id, charge_id, amount, balance_before, status, failure_code, transfer_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [o.attemptId, o.walletId, o.chargeId, o.amount, o.balanceBefore, o.status, o.failureCode, o.transferId],
    );
    const { rows } = await sqlOf(tx).query<{ enabled: boolean; was_enabled: boolean }>(
      `UPDATE auto_top_up_settings s SET running_since = NULL, updated_at = now(),
              consecutive_failures = CASE WHEN $2 THEN 0 ELSE s.consecutive_failures + 1 END,
              enabled = s.enabled AND ($2 OR s.consecutive_failures + 1 < $3),
              disabled_reason = CASE WHEN NOT $2 AND s.consecutive_failures + 1 >= $3 THEN $4 ELSE s.disabled_reason END
         FROM auto_top_up_settings old
        WHERE s.wallet_id = $1 AND old.wallet_id = s.wallet_id
        RETURNING s.enabled, old.enabled AS was_enabled`,
      [o.walletId, o.status === 'succeeded', failuresMax, o.failureCode],
    );
    const row = rows[0];
    return { disabled: Boolean(row && row.was_enabled && !row.enabled) };
  }
}
