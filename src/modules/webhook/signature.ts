import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as DESIGN.md §7 and the major payment APIs define them:
 *   OCP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>" keyed with the secret>
 * The timestamp is inside the MAC, so a captured request cannot be replayed later with a fresh one.
 * A header may carry several v1 values (while a secret is being rotated); any match is enough.
 */
export const SIGNATURE_HEADER = 'OCP-Signature';
export const EVENT_ID_HEADER = 'OCP-Event-Id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

function hmacHex(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

/**
 * The OCP-Signature header value for this exact body, signed at `timestampSeconds`. Several secrets
 * (during a rotation's overlap: the current one first, then the previous) give one v1 entry each,
 * as Stripe does, so a receiver holding either secret verifies the delivery.
 */
export function signWebhookPayload(
  rawBody: string | Buffer,
  secrets: string | readonly string[],
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  const signatures = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1=${hmacHex(secret, timestampSeconds, rawBody)}`,
  );
  return [`t=${timestampSeconds}`, ...signatures].join(',');
}

/**
 * True when `header` signs `rawBody` (the bytes as received, before any JSON parsing) with
 * `secret`, and its timestamp is within `toleranceSeconds` of `now` either way (older ones are
 * replays). Comparison is constant-time. Never throws on malformed input: it is just false.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secret: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now: Date = new Date(),
): boolean {
  if (!header || header.length > 2048) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return false;
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return false;
      timestamp = Number(value);
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      candidates.push(value);
    }
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;

  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  // Check every candidate, not the first match, so timing does not depend on which one matched.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched;
}
