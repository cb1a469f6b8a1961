import { groupedLookup } from '../../shared/grouper';
import { tenantGroupScope } from '../tenant-scope';

const GROUP_MAX = 128;

/**
 * A lookup by key that shares one statement with the lookups asked at the same time, in the
 * caller's tenant (wallets, idempotency keys, the risk screen's aggregates). A second statement
 * goes out beside the first only once a full group waits (see Lanes): on the bench's two cores,
 * two lanes always open split the same lookups over twice the statements, and PostgreSQL spent about
 * a quarter more CPU per transfer (docs/performance.md).
 */
export function groupedStatement<K, V>(lookupMany: (keys: K[]) => Promise<V[]>): (key: K) => Promise<V> {
  return groupedLookup(lookupMany, { lanes: 2, spareLaneAt: GROUP_MAX, groupMax: GROUP_MAX, scope: tenantGroupScope });
}
