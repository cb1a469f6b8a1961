/**
 * Webhook signatures as OCP sends them (DESIGN §7): `OCP-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "t.rawBody">`, several v1 values while a secret is being rotated. Web Crypto only,
 * so it runs in Node >= 20, browsers and edge runtimes alike.
 */
export interface VerifyWebhookOptions {
  /** The request body exactly as received (not parsed and serialised again). */
  payload: string | Uint8Array;
  /** The signature header's value. */
  signature: string | null | undefined;
  /** The webhook's secret (shown once, when the webhook was created). */
  secret: string;
  /** Seconds a signature stays acceptable (default 300), against replays. */
  toleranceSeconds?: number;
  /** For tests: the current time in epoch seconds. */
  now?: number;
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

/** Resolves when the delivery is authentic and recent; rejects with WebhookSignatureError otherwise. */
export async function verifyWebhookSignature(options: VerifyWebhookOptions): Promise<void> {
  const { timestamp, signatures } = parseSignatureHeader(options.signature);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300))
    throw new WebhookSignatureError('the signature is too old (or from the future)');
  const encoder = new TextEncoder();
  const body = typeof options.payload === 'string' ? encoder.encode(options.payload) : options.payload;
  const signed = new Uint8Array([...encoder.encode(`${timestamp}.`), ...body]);
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(options.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  for (const signature of signatures) {
    // subtle.verify compares in constant time.
    if (await globalThis.crypto.subtle.verify('HMAC', key, signature, signed)) return;
  }
  throw new WebhookSignatureError('no signature matches the secret');
}

/** Verifies a delivery and returns its event, parsed. */
export async function constructWebhookEvent<T = { id: string; type: string; createdAt: string; data: unknown }>(
  options: VerifyWebhookOptions,
): Promise<T> {
  await verifyWebhookSignature(options);
  const text = typeof options.payload === 'string' ? options.payload : new TextDecoder().decode(options.payload);
  return JSON.parse(text) as T;
}

function parseSignatureHeader(header: string | null | undefined): { timestamp: number; signatures: Uint8Array<ArrayBuffer>[] } {
  const malformed = new WebhookSignatureError('the signature header is missing or malformed');
  if (!header || header.length > 2048) throw malformed;
  let timestamp: number | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const [name, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) throw malformed;
    if (name === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) throw malformed;
      timestamp = Number(value);
    } else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) {
      signatures.push(hexBytes(value));
    }
  }
  if (timestamp === undefined || signatures.length === 0) throw malformed;
  return { timestamp, signatures };
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}
