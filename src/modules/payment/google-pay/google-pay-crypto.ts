import {
  createDecipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';

/** Google's signed strings: each part preceded by its length, 4 bytes little-endian. */
export function lengthPrefixed(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** ECDSA P-256 / SHA-256 over `data`, signature in DER, key as base64 SPKI DER. False on any malformed input. */
export function verifyEcdsa(publicKeyBase64: string, data: Buffer, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return verify('sha256', data, key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** An uncompressed P-256 point (0x04 || X || Y) as a key object; throws when it is not on the curve. */
export function pointToPublicKey(point: Buffer): KeyObject {
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('not an uncompressed P-256 point');
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

export function publicKeyToPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

/**
 * ECIES-KEM as Tink implements it for ECv2: HKDF-SHA256 over (ephemeral point || shared secret),
 * salt 32 zero bytes, info "Google", 64 bytes = AES-256-CTR key || HMAC-SHA256 key.
 * Returns undefined when the tag does not match (compared in constant time).
 */
export function eciesDecrypt(
  privateKey: KeyObject,
  message: { ephemeralPoint: Buffer; ciphertext: Buffer; tag: Buffer },
): Buffer | undefined {
  const shared = diffieHellman({ privateKey, publicKey: pointToPublicKey(message.ephemeralPoint) });
  const keys = Buffer.from(hkdfSync('sha256', Buffer.concat([message.ephemeralPoint, shared]), Buffer.alloc(32), 'Google', 64));
  const expected = createHmac('sha256', keys.subarray(32)).update(message.ciphertext).digest();
  if (message.tag.length !== expected.length || !timingSafeEqual(message.tag, expected)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', keys.subarray(0, 32), Buffer.alloc(16, 0));
  return Buffer.concat([decipher.update(message.ciphertext), decipher.final()]);
}
