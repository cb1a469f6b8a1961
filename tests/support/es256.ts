const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The other valid ECDSA signature of the same compact JWS, (r, n − s), made without the key. */
export function otherSignature(jws: string): string {
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64url')}`;
}

/** The compact JWS spelled with the lower of its signature's two valid s. */
export function withLowS(jws: string): string {
  const s = BigInt(`0x${Buffer.from(jws.split('.')[2]!, 'base64url').subarray(32).toString('hex')}`);
  return s <= P256_ORDER / 2n ? jws : otherSignature(jws);
}
