/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * base * 2^(n-1), capped at maxMs. The jitter spreads retries from many deliveries that failed
 * together (a receiver outage) instead of bringing them back in one burst.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
