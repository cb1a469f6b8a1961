import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

export type AlertRule =
  'large_movement' | 'velocity' | 'repeated_declines' | 'agent_policy_refusals' | 'reconciliation_mismatch' | 'risk_review';
export type AlertStatus = 'open' | 'resolved';

export interface Alert {
  id: string;
  rule: AlertRule;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown>;
  status: AlertStatus;
  resolvedBy: string | null;
  resolutionNote: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

export type NewAlert = Pick<Alert, 'rule' | 'subjectType' | 'subjectId' | 'details'> & { dedupeKey: string };

export interface DeclineBurst {
  walletId: string;
  count: number;
  windowStart: Date;
}

export interface AlertFilter {
  status?: AlertStatus;
  rule?: AlertRule;
}

/** Storage for monitoring: what the rules read, and the alerts they raise (one per dedupe key). */
export interface MonitoringRepository {
  /** Wallets with more than `max` failed card charges in one window (windows aligned to the epoch), since `since`. */
  declineBursts(since: Date, windowMs: number, max: number): Promise<DeclineBurst[]>;
  /** False when an alert with this dedupe key exists already. */
  insertAlert(alert: NewAlert): Promise<boolean>;
  listAlerts(filter: AlertFilter, limit: number, after?: Cursor): Promise<Alert[]>;
  lockAlert(tx: Transaction, id: string): Promise<Alert | null>;
  resolveAlert(tx: Transaction, id: string, by: string, note: string): Promise<Alert>;
}
