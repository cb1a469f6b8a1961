import type { Transaction } from '../../../shared/transaction';

export interface AutoTopUpSettings {
  walletId: string;
  configuredBy: string;
  enabled: boolean;
  threshold: bigint;
  amount: bigint;
  tokenId: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  updatedAt: Date;
}

/** A claimed top-up: the settings and the wallet as they were when the claim was taken. */
export interface ClaimedTopUp {
  settings: AutoTopUpSettings;
  walletUserId: string;
  currency: string;
  balance: bigint;
}

export interface TopUpOutcome {
  attemptId: string;
  walletId: string;
  chargeId: string | null;
  amount: bigint;
  balanceBefore: bigint;
  status: 'succeeded' | 'failed';
  failureCode: string | null;
  transferId: string | null;
}

export interface AutoTopUpRepository {
  upsert(
    settings: Pick<AutoTopUpSettings, 'walletId' | 'configuredBy' | 'enabled' | 'threshold' | 'amount' | 'tokenId'>,
  ): Promise<AutoTopUpSettings>;
  find(walletId: string): Promise<AutoTopUpSettings | null>;
  /**
   * Takes the wallet's top-up claim if the rule is enabled, the wallet active and below its
   * threshold, no live claim exists (one older than staleAfterMs is taken over) and no earlier
   * top-up charge is still unfinished (the charge sweeper finishes it). Null otherwise.
   */
  claim(walletId: string, staleAfterMs: number): Promise<ClaimedTopUp | null>;
  /**
   * As claim, but before the balance is below the threshold (a forecast says it will be): only
   * when no top-up of the wallet ran in the last `quietMs`, so repeated forecasts top up once.
   */
  claimEarly(walletId: string, staleAfterMs: number, quietMs: number): Promise<ClaimedTopUp | null>;
  /** Releases the claim and records the outcome; on failure counts it and disables at failuresMax. Returns whether it disabled. */
  finish(tx: Transaction, outcome: TopUpOutcome, failuresMax: number): Promise<{ disabled: boolean }>;
}
