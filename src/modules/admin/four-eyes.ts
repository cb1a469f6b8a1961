import type { Transaction } from '../../shared/transaction';
import { Forbidden } from '../../shared/errors';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { currentTenantId } from '../../infra/tenant-scope';

/** What one operator may move on their own authority (minor units, any currency). */
export interface FourEyesLimits {
  /** Above this, one movement needs a second operator. */
  thresholdMinor: bigint;
  /** And above this, the operator's own movements of one kind summed over the UTC day. */
  dailyLimitMinor: bigint;
}

/** The limits that hold for the movement being decided: its tenant's. */
export type FourEyesLimitsOf = () => Promise<FourEyesLimits>;

/**
 * The current tenant's four-eyes limits of one kind (its fourEyes settings), each one it leaves out
 * the environment's (REFUND_/ADJUSTMENT_FOUR_EYES_*).
 */
export function tenantFourEyesLimits(
  tenants: Pick<TenantConfiguration, 'settingsOf'>,
  kind: SelfAuthorisedKind,
  environment: FourEyesLimits,
): FourEyesLimitsOf {
  return async () => {
    const { fourEyes } = await tenants.settingsOf(currentTenantId());
    return {
      thresholdMinor: fourEyes?.[`${kind}ThresholdMinor`] ?? environment.thresholdMinor,
      dailyLimitMinor: fourEyes?.[`${kind}DailyLimitMinor`] ?? environment.dailyLimitMinor,
    };
  };
}

/** Which rule asked for a second operator, in `details.basis`. */
export type FourEyesBasis = 'amount' | 'cumulative' | 'daily_total' | 'requester';

export type SelfAuthorisedKind = 'refund' | 'adjustment';

/**
 * Per operator, per UTC day and kind, what they moved on their own authority. `add` runs in the
 * movement's own transaction and locks the (operator, kind, day) row until it ends, so concurrent
 * movements of one operator take turns and a refused one rolls its increment back.
 */
export interface OperatorDayTotals {
  /** Returns the day's total, this amount included. */
  add(tx: Transaction, operatorId: string, kind: SelfAuthorisedKind, amount: bigint): Promise<bigint>;
}

export function fourEyesRequired(message: string, basis: FourEyesBasis, limits: FourEyesLimits): Forbidden {
  return new Forbidden(message, 'four_eyes_required', {
    basis,
    thresholdMinor: limits.thresholdMinor.toString(),
    dailyLimitMinor: limits.dailyLimitMinor.toString(),
  });
}
