/**
 * The ledger's invariants, checked from the stored rows alone. Used by `npm run verify-ledger`
 * after a restore or an incident, and by the tests after every money path.
 */
export const LEDGER_CHECK_NAMES = [
  'transfers_balanced',
  'balances_match_entries',
  'no_negative_user_balance',
  'refunds_within_original',
  'held_matches_pending_holds',
  'held_within_balance',
  'captured_holds_match_transfers',
] as const;
export type LedgerCheckName = (typeof LEDGER_CHECK_NAMES)[number];

export interface LedgerCheck {
  name: LedgerCheckName;
  /** What must hold, in words an operator reads in the report. */
  rule: string;
  /** How many rows break the rule (0 when it holds). */
  violations: number;
  /** Up to EXAMPLES_MAX ids of offending rows, to start an investigation from. */
  examples: string[];
}

export interface LedgerReport {
  ok: boolean;
  checks: LedgerCheck[];
  /** Sum of every wallet balance per currency: zero whenever the checks above hold. */
  totalsByCurrency: Record<string, bigint>;
  counts: { wallets: number; transfers: number; entries: number };
}

export interface LedgerVerifier {
  /** Reads one consistent snapshot of the ledger and reports every broken invariant. */
  verify(): Promise<LedgerReport>;
}

export const EXAMPLES_MAX = 10;
