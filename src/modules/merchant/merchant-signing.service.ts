import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Encryptor } from '../../infra/crypto/envelope';
import { newId } from '../../infra/crypto/ids';
import { NotFound } from '../../shared/errors';
import { signDetached, verifyDetached } from '../../protocols/ucp/ap2/detached-jws';
import type { MerchantRepository } from './merchant.repository';
import type { MerchantSigningKey, MerchantSigningKeyRepository } from './merchant-signing.repository';
import { couldNameRecord } from '../../shared/record-id';

/** A merchant's public signing key as UCP's `signing_keys` lists it (JWK, RFC 7517). */
export interface PublicSigningKey {
  kid: string;
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  alg: 'ES256';
  use: 'sig';
}

/**
 * The merchant's own ES256 key for UCP's AP2 `merchant_authorization`: made on first use, one
 * active per merchant even when two first uses race, the private key encrypted at rest and never
 * handed out (this service signs; there is no getter).
 */
export class MerchantSigningService {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly keys: MerchantSigningKeyRepository,
    private readonly encryptor: Encryptor,
  ) {}

  /**
   * `ap2.merchant_authorization` for a checkout: a detached ES256 JWS over its JCS form, `ap2`
   * left out by the caller. Errors: merchant_not_found (404).
   */
  async signCheckout(merchantId: string, checkoutWithoutAp2: Record<string, unknown>): Promise<string> {
    const key = await this.activeKey(merchantId);
    const privateKey = createPrivateKey({ key: this.encryptor.decrypt(key.privateKeyEncrypted, key.kid), format: 'der', type: 'pkcs8' });
    return signDetached(checkoutWithoutAp2, { kid: key.kid, privateKey });
  }

  /** Whether `jws` is this merchant's own valid signature over the checkout (minus `ap2`). Never throws for bad input. */
  async verifyOwnAuthorization(merchantId: string, jws: string, checkoutWithoutAp2: Record<string, unknown>): Promise<boolean> {
    return verifyDetached(jws, checkoutWithoutAp2, async (kid): Promise<KeyObject | null> => {
      const key = couldNameRecord(kid) ? await this.keys.findActiveByKid(merchantId, kid) : null;
      return key ? createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }) : null;
    });
  }

  /** The keys to publish in the merchant's UCP profile `signing_keys`. Errors: merchant_not_found (404). */
  async publicSigningKeys(merchantId: string): Promise<PublicSigningKey[]> {
    const { kid, publicJwk } = await this.activeKey(merchantId);
    return [{ kid, kty: 'EC', crv: 'P-256', x: String(publicJwk.x), y: String(publicJwk.y), alg: 'ES256', use: 'sig' }];
  }

  private async activeKey(merchantId: string): Promise<MerchantSigningKey> {
    const existing = await this.keys.findActive(merchantId);
    if (existing) return existing;
    if (!(await this.merchants.findById(merchantId))) throw new NotFound('Merchant not found', 'merchant_not_found');
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = newId('msk');
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    await this.keys.insertIfNoneActive({
      kid,
      merchantId,
      publicJwk: { kty, crv, x, y },
      privateKeyEncrypted: this.encryptor.encrypt(privateKey.export({ format: 'der', type: 'pkcs8' }), kid),
    });
    // Ours or the one a concurrent first use inserted: either way the single active key.
    return (await this.keys.findActive(merchantId))!;
  }
}
