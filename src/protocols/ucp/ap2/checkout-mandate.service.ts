import { createHash } from 'node:crypto';
import type { Transaction } from '../../../shared/transaction';
import { Ap2Refused } from './ap2-errors';
import { canonicalJson } from './canonical-json';
import type { MandateUse, MerchantAuthorizationCheck, OwnerMandateKeyLookup, UsedMandateRepository } from './checkout-mandate.repository';
import { isJsonObject, p256PublicKey, verifyEs256 } from './jose';
import { parseSdJwt, resolveDisclosures, sdHashOf, type CompactJws, type SdJwtPresentation } from './sd-jwt';
import { b64url, fromB64url } from '../../../infra/crypto/base64url';
import { lowS } from '../../../infra/crypto/es256';
import { couldNameRecord } from '../../../shared/record-id';

export interface CheckoutMandateInput {
  /** `ap2.checkout_mandate` as the platform sent it. */
  mandate: unknown;
  merchantId: string;
  /** The merchant's UCP endpoint URL: the KB-JWT's `aud` must be exactly this. */
  audience: string;
  /** The checkout exactly as OCP would answer it now, with its `ap2.merchant_authorization`. */
  checkout: Record<string, unknown>;
  /** The owner of the agent whose OCP wallet credential pays: the mandate key must be theirs. */
  payerOwnerId: string;
  now: Date;
}

export interface VerifiedCheckoutMandate {
  /** Hex SHA-256 of the issuer-signed JWT: the mandate's identity for replay (`recordMandateUse`). */
  mandateHash: string;
  /** The owner mandate key that signed it. */
  issuerKid: string;
}

const ISSUER_TYPES = new Set(['dc+sd-jwt', 'vc+sd-jwt']);
/** How far a signer's clock may run ahead of ours. */
const CLOCK_SKEW_S = 60;
/** A key binding proves presence now: older (or newer) than this is refused. */
const KEY_BINDING_AGE_MAX_S = 300;

const invalid = (message: string) => new Ap2Refused('mandate_invalid_signature', message);

/**
 * UCP's AP2 extension, business side (ap2-mandates.md, "Business Verification"): verifies the
 * SD-JWT+kb checkout mandate a platform sends with complete, and records its single use.
 */
export class CheckoutMandateService {
  constructor(
    private readonly ownerKeys: OwnerMandateKeyLookup,
    private readonly merchants: MerchantAuthorizationCheck,
    private readonly used: UsedMandateRepository,
  ) {}

  /**
   * The story: parse strictly; the issuer JWT must be signed by an owner mandate key of the payer;
   * every disclosure accounted for; not expired; the key binding by the holder's `cnf.jwk`, for
   * this audience and this checkout, fresh; the embedded checkout signed by this merchant and equal
   * in terms to the checkout being completed. Nothing is written: `recordMandateUse` does that in
   * the completing transaction.
   * Errors (Ap2Refused): mandate_required (400), agent_missing_key, mandate_invalid_signature,
   * mandate_expired, merchant_authorization_invalid, mandate_scope_mismatch (403),
   * merchant_authorization_missing (400).
   */
  async verifyCheckoutMandate(input: CheckoutMandateInput): Promise<VerifiedCheckoutMandate> {
    if (input.mandate === undefined || input.mandate === null || input.mandate === '') {
      throw new Ap2Refused('mandate_required', 'AP2 is in force for this checkout: complete needs ap2.checkout_mandate');
    }
    const sdJwt = parseSdJwt(input.mandate);
    const issuerKid = await this.verifyIssuer(sdJwt, input.payerOwnerId);
    const claims = resolveDisclosures(sdJwt.issuerJwt.payload, sdJwt.disclosures);
    checkLifetime(claims, input.now);
    verifyKeyBinding(sdJwt, claims, input);
    const embedded = claims.checkout;
    if (!isJsonObject(embedded)) throw invalid('The checkout mandate carries no checkout');
    await this.verifyMerchantAuthorization(input.merchantId, embedded);
    checkScope(embedded, input.checkout);
    return { mandateHash: mandateHashOf(sdJwt.issuerJwt), issuerKid };
  }

  /**
   * Records the mandate's one use inside the transaction that completes the checkout, so a
   * rolled-back completion leaves it unused. Errors: mandate_already_used (409).
   */
  async recordMandateUse(tx: Transaction, use: MandateUse): Promise<void> {
    if (!(await this.used.insertUse(tx, use))) throw new Ap2Refused('mandate_already_used', 'This checkout mandate has already been used');
  }

  private async verifyIssuer(sdJwt: SdJwtPresentation, payerOwnerId: string): Promise<string> {
    const { header } = sdJwt.issuerJwt;
    if (header.alg !== 'ES256' || typeof header.typ !== 'string' || !ISSUER_TYPES.has(header.typ)) {
      throw invalid('The checkout mandate must be an ES256 dc+sd-jwt');
    }
    if (!couldNameRecord(header.kid)) {
      throw new Ap2Refused('agent_missing_key', 'The checkout mandate names no key');
    }
    const key = await this.ownerKeys.findOwnerMandateKey(header.kid);
    if (!key) throw new Ap2Refused('agent_missing_key', 'The checkout mandate is signed by a key not registered with OCP');
    const publicKey = p256PublicKey(key.publicJwk);
    // A key of another owner verifies nothing here: the mandate must be the payer's own consent.
    if (key.ownerId !== payerOwnerId || !publicKey || !verifyEs256(sdJwt.issuerJwt.signingInput, sdJwt.issuerJwt.signature, publicKey)) {
      throw invalid('The checkout mandate signature does not verify with a key of the paying owner');
    }
    return key.kid;
  }

  private async verifyMerchantAuthorization(merchantId: string, embedded: Record<string, unknown>): Promise<void> {
    const ap2 = embedded.ap2;
    const authorization = isJsonObject(ap2) ? ap2.merchant_authorization : undefined;
    if (typeof authorization !== 'string' || authorization === '') {
      throw new Ap2Refused('merchant_authorization_missing', "The mandate's checkout carries no ap2.merchant_authorization");
    }
    const { ap2: _signedApart, ...withoutAp2 } = embedded;
    if (!(await this.merchants.verifyOwnAuthorization(merchantId, authorization, withoutAp2))) {
      throw new Ap2Refused('merchant_authorization_invalid', "The mandate's checkout is not signed by this business");
    }
  }
}

/**
 * The mandate's identity, which its single use is recorded under: the issuer JWT with the lower of
 * its signature's two valid s, so the other one (anyone can make it) is the same mandate.
 */
function mandateHashOf(issuerJwt: CompactJws): string {
  const signature = lowS(fromB64url(issuerJwt.signature)!);
  return createHash('sha256')
    .update(`${issuerJwt.signingInput}.${b64url(signature)}`, 'ascii')
    .digest('hex');
}

function checkLifetime(claims: Record<string, unknown>, now: Date): void {
  const nowS = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw invalid('The checkout mandate has no exp');
  if (claims.exp <= nowS) throw new Ap2Refused('mandate_expired', 'The checkout mandate has expired');
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > nowS + CLOCK_SKEW_S)) {
    throw invalid('The checkout mandate is issued in the future');
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowS + CLOCK_SKEW_S)) {
    throw invalid('The checkout mandate is not valid yet');
  }
}

function verifyKeyBinding(sdJwt: SdJwtPresentation, claims: Record<string, unknown>, input: CheckoutMandateInput): void {
  const kb = sdJwt.keyBinding;
  if (!kb) throw invalid('The checkout mandate has no key binding');
  const holderKey = isJsonObject(claims.cnf) ? p256PublicKey(claims.cnf.jwk) : null;
  if (!holderKey) throw invalid('The checkout mandate binds no P-256 holder key (cnf.jwk)');
  if (kb.header.typ !== 'kb+jwt' || kb.header.alg !== 'ES256' || !verifyEs256(kb.signingInput, kb.signature, holderKey)) {
    throw invalid('The key binding of the checkout mandate does not verify');
  }
  const { aud, nonce, iat, sd_hash: sdHash } = kb.payload;
  if (aud !== input.audience) throw invalid('The checkout mandate is bound to another business');
  if (nonce !== input.checkout.id) throw invalid('The checkout mandate is bound to another checkout');
  if (typeof iat !== 'number' || Math.abs(input.now.getTime() / 1000 - iat) > KEY_BINDING_AGE_MAX_S) {
    throw invalid('The key binding of the checkout mandate is not fresh');
  }
  if (sdHash !== sdHashOf(sdJwt.sdHashInput)) throw invalid('The key binding does not cover this presentation');
}

/** The terms UCP says must match (id, currency, line items, totals), as comparable canonical JSON. */
function termsOf(checkout: Record<string, unknown>): string | null {
  const lineItems = Array.isArray(checkout.line_items) ? checkout.line_items : null;
  const totals = Array.isArray(checkout.totals) ? checkout.totals : null;
  if (!lineItems || !totals) return null;
  try {
    return canonicalJson({
      id: checkout.id,
      currency: checkout.currency,
      line_items: lineItems.map((li: unknown) => {
        const line = isJsonObject(li) ? li : {};
        const item = isJsonObject(line.item) ? line.item : {};
        return { id: line.id, item: { id: item.id, price: item.price }, quantity: line.quantity };
      }),
      totals: totals.map((t: unknown) => (isJsonObject(t) ? { type: t.type, amount: t.amount } : null)),
    });
  } catch {
    return null;
  }
}

function checkScope(embedded: Record<string, unknown>, current: Record<string, unknown>): void {
  const signed = termsOf(embedded);
  if (signed === null || signed !== termsOf(current)) {
    throw new Ap2Refused('mandate_scope_mismatch', 'The checkout in the mandate differs from this checkout');
  }
}
