/** One small cache interface with a Redis adapter and an in-memory adapter. Values are strings. */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it (a lock or a claim). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Adds one; the expiry is set by the first increment of a window and kept after. */
  increment(key: string, ttlMs: number): Promise<{ count: number; resetAtMs: number }>;
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A shared cache with an in-process fallback: `degraded` while the shared server is unreachable
 * (then rate limits and cached values are per instance). /ready and `ocp_cache_degraded` report it.
 */
export interface DegradableCache extends Cache {
  readonly degraded: boolean;
}

export function isDegradable(cache: Cache): cache is DegradableCache {
  return typeof (cache as Partial<DegradableCache>).degraded === 'boolean';
}
