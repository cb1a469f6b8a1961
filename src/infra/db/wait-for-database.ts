import type { Logger } from '../logger';
import type { Database } from './database';
import { isConnectionError } from './connection-errors';

export interface WaitOptions {
  /** Total time to keep trying; 0 tries once. */
  maxWaitMs: number;
  logger: Logger;
  /** First pause between attempts; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Where the database is, for the messages (no credentials). */
  target?: string;
}

/**
 * At start-up, waits for the database to answer: PostgreSQL may still be starting (Compose, a
 * failover) when the server does. Retries connection failures with exponential backoff, logging each,
 * until maxWaitMs has passed; then throws, naming the target and the last error. An error that is
 * not about the connection (a wrong password, a missing database) is thrown at once.
 */
export async function waitForDatabase(db: Pick<Database, 'ping'>, options: WaitOptions): Promise<void> {
  const { maxWaitMs, logger, initialDelayMs = 250, maxDelayMs = 5_000, target = 'the database' } = options;
  const started = Date.now();
  let delay = initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    const remaining = maxWaitMs - (Date.now() - started);
    try {
      await db.ping(Math.max(1_000, Math.min(5_000, remaining)));
      if (attempt > 1) logger.info('database reachable', { target, attempt, waitedMs: Date.now() - started });
      return;
    } catch (error) {
      if (!isConnectionError(error) && !isPingTimeout(error)) throw error;
      const reason = describe(error);
      const left = maxWaitMs - (Date.now() - started);
      if (left <= 0) {
        throw new DatabaseStartupTimeout(
          `${target} did not answer within ${maxWaitMs} ms (DATABASE_STARTUP_WAIT_MS) after ${attempt} attempt(s): ${reason}`,
        );
      }
      const pause = Math.min(delay, left);
      logger.warn('database not reachable at start-up; retrying', { target, attempt, retryInMs: pause, error: reason });
      await new Promise((resolve) => setTimeout(resolve, pause));
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}

export class DatabaseStartupTimeout extends Error {
  override name = 'DatabaseStartupTimeout';
}

function isPingTimeout(error: unknown): boolean {
  return error instanceof Error && error.message.includes('did not answer within');
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const e = cause as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' && e.message ? e.message : String(cause);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code} ${message}` : message;
}

/** host:port/database of a postgres:// URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
