import { sqlOf } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { OperatorDayTotals, SelfAuthorisedKind } from '../four-eyes';

export class SqlOperatorDayTotals implements OperatorDayTotals {
  async add(tx: Transaction, operatorId: string, kind: SelfAuthorisedKind, amount: bigint): Promise<bigint> {
    const { rows } = await sqlOf(tx).query<{ amount: string }>(
      `INSERT INTO operator_self_approval_totals (operator_id, kind, day, amount)
       VALUES ($1, $2, (now() AT TIME ZONE 'UTC')::date, $3)
       ON CONFLICT (operator_id, kind, day) DO UPDATE
         SET amount = operator_self_approval_totals.amount + EXCLUDED.amount, updated_at = now()
       RETURNING amount::text AS amount`,
      [operatorId, kind, amount.toString()],
    );
    return BigInt(rows[0]!.amount);
  }
}
