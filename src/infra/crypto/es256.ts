/** An ES256 signature as JWS carries it: r||s (IEEE P1363), 32 bytes each. */
export const ES256_SIGNATURE_BYTES = 64;
const ES256_HALF_BYTES = 32;
/** The order of P-256's group: for a valid signature (r, s), (r, n − s) is valid too. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * An ES256 signature (r||s, IEEE P1363) with the lower of its two valid s. ECDSA lets anyone turn a
 * valid (r, s) into another valid (r, n − s) without the key, so a token that is single-use or
 * carries a budget by its hash is hashed with this one. Anything not 64 bytes is returned as is.
 */
export function lowS(signature: Buffer): Buffer {
  if (signature.length !== ES256_SIGNATURE_BYTES) return signature;
  const s = BigInt(`0x${signature.subarray(ES256_HALF_BYTES).toString('hex')}`);
  if (s <= P256_ORDER / 2n) return signature;
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(ES256_HALF_BYTES * 2, '0'), 'hex');
  return Buffer.concat([signature.subarray(0, ES256_HALF_BYTES), flipped]);
}
