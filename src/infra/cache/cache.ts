/** A counter's value in its window, and when the window ends. */
export interface WindowCount {
  count: number;
  resetAtMs: number;
}

/** One small cache interface with a Redis adapter and an in-memory adapter. Values are strings. */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it (a lock or a claim). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Adds one; the expiry is set by the first increment of a window and kept after. */
  increment(key: string, ttlMs: number): Promise<WindowCount>;
  /** increment() of several keys in one step (one round trip to a shared cache), in order. */
  incrementAll(keys: readonly string[], ttlMs: number): Promise<WindowCount[]>;
  delete(key: string): Promise<void>;
  /** Deletes the key only while it holds `value` (a claim's owner letting go of it), in one step. */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** Sets a new expiry only while the key holds `value` (a claim's owner renewing it), in one step; true when it did. */
  extendIfEquals(key: string, value: string, ttlMs: number): Promise<boolean>;
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
