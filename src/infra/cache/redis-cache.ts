import Redis from 'ioredis';
import { Grouper } from '../../shared/grouper';
import { withTimeout } from '../../shared/timeout';
import type { Cache, WindowCount } from './cache';

// For each key: INCR and the first window's PEXPIRE in one step, so a crash between them cannot
// leave a counter that never expires. Returns each key's count and the milliseconds left in its window.
const INCREMENT_SCRIPT = `
local result = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  result[2 * i - 1] = count
  result[2 * i] = ttl
end
return result`;

// For each key: SET NX with its own value and lifetime (ARGV holds value, milliseconds per key).
// Returns 1 for a key set, 0 for one that was there.
const SET_IF_ABSENT_SCRIPT = `
local result = {}
for i, key in ipairs(KEYS) do
  result[i] = redis.call('SET', key, ARGV[2 * i - 1], 'PX', ARGV[2 * i], 'NX') and 1 or 0
end
return result`;

// For each key: deleted only while it still holds the value given with it (ARGV[i]).
const DELETE_IF_EQUALS_SCRIPT = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then redis.call('DEL', key) end
end
return 0`;

const EXTEND_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface PendingRead {
  key: string;
  resolve: (value: string | null) => void;
  reject: (error: unknown) => void;
}

interface PendingClaim {
  key: string;
  value: string;
  ttlMs: number;
  resolve: (set: boolean) => void;
  reject: (error: unknown) => void;
}

interface PendingRelease {
  key: string;
  value: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface PendingIncrement {
  keys: readonly string[];
  ttlMs: number;
  resolve: (counts: WindowCount[]) => void;
  reject: (error: unknown) => void;
}

/** Commands of one kind in flight at a time; what is asked meanwhile waits and goes out as one. */
const LANES = 2;
/** The most ticks' calls one command carries. */
const TICKS_PER_COMMAND_MAX = 64;

/**
 * Each command costs the API more CPU than its bytes (ioredis's work, a socket write, the reply's
 * parsing), so calls go out together: those of one tick as one command, and while LANES commands
 * of their kind are in flight, the ticks that follow wait and go as one when a lane frees up. A lone
 * caller is sent at once; under load one command serves many requests instead of one each.
 */
function batched<C>(send: (calls: C[]) => Promise<void>): (call: C) => void {
  const grouper = new Grouper<C[]>(
    { lanes: LANES },
    (waiting) => waiting.splice(0, TICKS_PER_COMMAND_MAX),
    (ticks) => send(ticks.flat()),
  );
  let tick: C[] | null = null;
  return (call) => {
    if (!tick) {
      const calls: C[] = (tick = []);
      process.nextTick(() => {
        tick = null;
        grouper.add(calls);
      });
    }
    tick.push(call);
  };
}

export interface RedisCacheOptions {
  /** A command without an answer within this long fails (a hung or unreachable server). */
  commandTimeoutMs?: number;
  /** How long the first connection is waited for, and each connection attempt's limit. */
  connectTimeoutMs?: number;
}

/**
 * Fails fast: no offline queue and no retries, so while Redis is unreachable a command fails at
 * once (or after commandTimeoutMs when the server hangs) instead of waiting in a queue for
 * seconds. FallbackCache turns those failures into its in-process fallback. ioredis keeps
 * reconnecting in the background, so Redis coming back is picked up without a restart.
 */
export class RedisCache implements Cache {
  private readonly redis: Redis;
  private readonly firstConnection: Promise<void>;
  private closing: Promise<void> | undefined;
  private readonly read = batched<PendingRead>((reads) => this.sendReads(reads));
  private readonly count = batched<PendingIncrement>((increments) => this.sendIncrements(increments));
  private readonly claim = batched<PendingClaim>((claims) => this.sendClaims(claims));
  private readonly release = batched<PendingRelease>((releases) => this.sendReleases(releases));

  /** keyPrefix keeps several apps (or test files) apart on one server. */
  constructor(url: string, keyPrefix = 'ocp:', { commandTimeoutMs = 500, connectTimeoutMs = 1_000 }: RedisCacheOptions = {}) {
    this.redis = new Redis(url, {
      keyPrefix,
      lazyConnect: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      // Reconnect attempts at most a second apart, for ever: recovery without a restart.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Connection errors surface through the commands that fail and /ready; don't crash on the event.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('ocpIncrement', { lua: INCREMENT_SCRIPT });
    this.redis.defineCommand('ocpSetIfAbsent', { lua: SET_IF_ABSENT_SCRIPT });
    this.redis.defineCommand('ocpDeleteIfEquals', { lua: DELETE_IF_EQUALS_SCRIPT });
    this.redis.defineCommand('ocpExtendIfEquals', { numberOfKeys: 1, lua: EXTEND_IF_EQUALS_SCRIPT });
    // Without an offline queue, a command sent before the first connection is up would fail:
    // commands wait for it, once, at most connectTimeoutMs. Later outages fail at once.
    this.firstConnection = new Promise((resolve) => {
      const timer = setTimeout(resolve, connectTimeoutMs);
      timer.unref();
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The client, once the first connection is up or was given up on. */
  private async client(): Promise<Redis> {
    if (this.redis.status !== 'ready') await this.firstConnection;
    return this.redis;
  }

  /**
   * Reads go out batched (`batched`): every authenticated request asks two markers side by side (its
   * token's revocation and its login's lock), and requests arriving together ask theirs at once.
   */
  get(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => this.read({ key, resolve, reject }));
  }

  private async sendReads(reads: PendingRead[]): Promise<void> {
    try {
      const redis = await this.client();
      const values = reads.length === 1 ? [await redis.get(reads[0]!.key)] : await redis.mget(reads.map((read) => read.key));
      reads.forEach((read, i) => read.resolve(values[i] ?? null));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const redis = await this.client();
    if (ttlMs) await redis.set(key, value, 'PX', ttlMs);
    else await redis.set(key, value);
  }

  /** Every idempotent request claims its key here, and releases it below: batched (`batched`) as the reads are. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => this.claim({ key, value, ttlMs, resolve, reject }));
  }

  private async sendClaims(claims: PendingClaim[]): Promise<void> {
    try {
      const redis = (await this.client()) as unknown as Redis & {
        ocpSetIfAbsent(n: number, ...args: Array<string | number>): Promise<number[]>;
      };
      if (claims.length === 1) {
        const [{ key, value, ttlMs, resolve }] = claims as [PendingClaim];
        resolve((await redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK');
        return;
      }
      const reply = await redis.ocpSetIfAbsent(claims.length, ...claims.map((c) => c.key), ...claims.flatMap((c) => [c.value, c.ttlMs]));
      claims.forEach((claim, i) => claim.resolve(reply[i] === 1));
    } catch (error) {
      for (const claim of claims) claim.reject(error);
    }
  }

  async increment(key: string, ttlMs: number): Promise<WindowCount> {
    return (await this.incrementAll([key], ttlMs))[0]!;
  }

  /** Every API request counts its rate limits here: batched (`batched`) as the reads are. */
  incrementAll(keys: readonly string[], ttlMs: number): Promise<WindowCount[]> {
    return new Promise((resolve, reject) => this.count({ keys, ttlMs, resolve, reject }));
  }

  /** One script call per window length among them (the rate limits share one). */
  private async sendIncrements(increments: PendingIncrement[]): Promise<void> {
    const byWindow = new Map<number, PendingIncrement[]>();
    for (const increment of increments) {
      const sameWindow = byWindow.get(increment.ttlMs);
      if (sameWindow) sameWindow.push(increment);
      else byWindow.set(increment.ttlMs, [increment]);
    }
    await Promise.all([...byWindow].map(([ttlMs, sameWindow]) => this.sendIncrementsOfWindow(ttlMs, sameWindow)));
  }

  private async sendIncrementsOfWindow(ttlMs: number, increments: PendingIncrement[]): Promise<void> {
    try {
      const redis = (await this.client()) as unknown as { ocpIncrement(n: number, ...args: Array<string | number>): Promise<number[]> };
      const keys = increments.flatMap((increment) => increment.keys);
      const reply = await redis.ocpIncrement(keys.length, ...keys, ttlMs);
      const now = Date.now();
      // The reply holds a count and the milliseconds left for each key, in the order sent.
      let first = 0;
      for (const increment of increments) {
        const counts = increment.keys.map((_, i) => ({
          count: Number(reply[2 * (first + i)]),
          resetAtMs: now + Number(reply[2 * (first + i) + 1]),
        }));
        first += increment.keys.length;
        increment.resolve(counts);
      }
    } catch (error) {
      for (const increment of increments) increment.reject(error);
    }
  }

  async delete(key: string): Promise<void> {
    await (await this.client()).del(key);
  }

  deleteIfEquals(key: string, value: string): Promise<void> {
    return new Promise((resolve, reject) => this.release({ key, value, resolve, reject }));
  }

  private async sendReleases(releases: PendingRelease[]): Promise<void> {
    try {
      const redis = (await this.client()) as unknown as { ocpDeleteIfEquals(n: number, ...args: string[]): Promise<number> };
      await redis.ocpDeleteIfEquals(releases.length, ...releases.map((r) => r.key), ...releases.map((r) => r.value));
      for (const release of releases) release.resolve();
    } catch (error) {
      for (const release of releases) release.reject(error);
    }
  }

  async extendIfEquals(key: string, value: string, ttlMs: number): Promise<boolean> {
    const redis = (await this.client()) as unknown as { ocpExtendIfEquals(key: string, value: string, ttl: number): Promise<number> };
    return (await redis.ocpExtendIfEquals(key, value, ttlMs)) === 1;
  }

  async ping(): Promise<void> {
    await withTimeout((await this.client()).ping(), 1_000, 'Redis');
  }

  /**
   * Safe to call twice (shutdown and a test's teardown both close). ioredis still says "ready" just
   * after QUIT answers, and a second QUIT then kept a socket alive for seconds.
   */
  close(): Promise<void> {
    this.closing ??= this.redis.quit().then(
      () => undefined,
      () => this.redis.disconnect(),
    );
    return this.closing;
  }
}
