import { inSystemScope, inTenant } from '../tenant-scope';
import type { TransactionRunner } from '../../shared/transaction';
import { sqlOf } from './database';

/**
 * Runs a background job once in each tenant (docs/tenants.md): a sweep whose work writes rows
 * (events, audit lines, postings) must run inside the tenant those rows belong to. Resolves true
 * when any tenant says more work is waiting. One query for the tenants per run: a few hundred
 * tenants cost a few hundred short runs per interval.
 */
export async function inEachTenant(db: TransactionRunner, job: () => Promise<boolean>): Promise<boolean> {
  const { rows } = await inSystemScope(() => db.transaction((tx) => sqlOf(tx).query<{ id: string }>('SELECT id FROM tenants ORDER BY id')));
  let more = false;
  for (const { id } of rows) more = (await inTenant(id, job)) || more;
  return more;
}
