/** A merchant's P-256 key for `ap2.merchant_authorization`. */
export interface MerchantSigningKey {
  kid: string;
  merchantId: string;
  /** The public JWK (kty, crv, x, y). */
  publicJwk: Record<string, unknown>;
  /** PKCS#8 DER, encrypted with the Encryptor under the kid as associated data. */
  privateKeyEncrypted: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** Storage of merchants' signing keys. At most one unretired key per merchant (a unique index). */
export interface MerchantSigningKeyRepository {
  findActive(merchantId: string): Promise<MerchantSigningKey | null>;
  /** Inserts the key unless the merchant already has an active one; false when another won. */
  insertIfNoneActive(key: Omit<MerchantSigningKey, 'createdAt' | 'retiredAt'>): Promise<boolean>;
  /** The merchant's unretired key with this kid. */
  findActiveByKid(merchantId: string, kid: string): Promise<MerchantSigningKey | null>;
}
