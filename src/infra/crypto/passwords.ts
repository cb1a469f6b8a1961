import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt floor is N=2^17 with r=8; 2^15 keeps a login near 50 ms on a small core while
// staying memory-hard. The parameters are stored with each hash, so raising them later is safe.
export const PASSWORD_COST_LOG2_DEFAULT = 15;
const DEFAULT_COST = scryptCost(PASSWORD_COST_LOG2_DEFAULT);
const KEY_BYTES = 32;

/** The cost for new hashes, from PASSWORD_SCRYPT_COST_LOG2 (config refuses less than the default in production). */
export function scryptCost(log2N: number): ScryptCost {
  return { N: 2 ** log2N, r: 8, p: 1 };
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Format: scrypt$N$r$p$salt$hash (base64url). */
export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
