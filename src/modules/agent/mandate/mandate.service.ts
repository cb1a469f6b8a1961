import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Encryptor } from '../../../infra/crypto/envelope';
import { newId, sha256Hex } from '../../../infra/crypto/ids';
import type { Transaction } from '../../../shared/transaction';
import type { Principal } from '../../../shared/principal';
import { ValidationFailed } from '../../../shared/errors';
import type { AgentPayment } from '../agent-payment.repository';
import type { MandateCheck } from '../payment-decisions';
import type { AgentService } from '../agent.service';
import { canonicalJws, decodeJws, signEs256, verifyEs256 } from './jws';
import { checkConstraints, MandateRefused, type ConstraintsInput } from './mandate.constraints';
import { mandateClaims, mandateTerms, type IntentInput } from './mandate.intent';
import type { MandateKey, MandateRepository } from './mandate.repository';
import { couldNameRecord } from '../../../shared/record-id';

/** A registered owner mandate key, public part only. */
export interface OwnerMandateKey {
  kid: string;
  ownerId: string;
  publicJwk: Record<string, unknown>;
}

/** What the owner asks OCP to sign: an open payment mandate's constraints, or an AP2 intent. */
export type MandateRequest = ({ constraints: ConstraintsInput; currency?: string } | { intent: IntentInput }) & { expiresAt: Date };

/**
 * Owner mandates: ES256-signed bounds on what an agent may pay, by a key the owner registered
 * or one OCP holds for the owner. Payments carrying one are checked against it in their own
 * transaction, its budget locked like the policy's counters.
 */
export class MandateService implements MandateCheck {
  constructor(
    private readonly keys: MandateRepository,
    private readonly agents: AgentService,
    private readonly encryptor: Encryptor,
  ) {}

  /** Registers an owner's P-256 public key (JWK). Errors: validation_failed (400) for any other key. */
  async registerKey(owner: Principal, jwk: Record<string, unknown>): Promise<MandateKey> {
    let publicJwk: JsonWebKey;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
      publicJwk = key.export({ format: 'jwk' });
    } catch {
      throw new ValidationFailed('publicJwk must be an EC P-256 public key', {
        fields: [{ field: 'body.publicJwk', message: 'must be an EC P-256 public key' }],
      });
    }
    return this.keys.insertKey({
      kid: newId('mk'),
      ownerId: owner.sub,
      kind: 'owner',
      publicJwk: publicJwk as Record<string, unknown>,
      privateKeyEncrypted: null,
    });
  }

  /**
   * A key an owner registered (kind 'owner'), for verifiers of mandates the owner signs with their
   * own private key (UCP AP2 checkout mandates). Keys OCP holds for owners are not returned: OCP
   * signs with those only what the owner asked it to issue, never a checkout mandate.
   */
  async findOwnerMandateKey(kid: string): Promise<OwnerMandateKey | null> {
    const key = couldNameRecord(kid) ? await this.keys.findKey(kid) : null;
    return key && key.kind === 'owner' ? { kid: key.kid, ownerId: key.ownerId, publicJwk: key.publicJwk } : null;
  }

  /** OCP signs a mandate (open payment or AP2 intent) for one of the caller's agents. Errors: agent_not_found (404). */
  async issue(owner: Principal, agentId: string, request: MandateRequest) {
    const agent = await this.agents.get(owner, agentId);
    const key = (await this.keys.findOcpKey(owner.sub)) ?? (await this.newOcpKey(owner.sub));
    const privateKey = createPrivateKey({ key: this.encryptor.decrypt(key.privateKeyEncrypted!, key.kid), format: 'der', type: 'pkcs8' });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: owner.sub,
      sub: agent.id,
      jti: newId('mdt'),
      iat: now,
      exp: Math.floor(request.expiresAt.getTime() / 1000),
      ...('intent' in request
        ? { mandate_type: 'intent', ...request.intent }
        : { mandate_type: 'open_payment', ...(request.currency ? { currency: request.currency } : {}), constraints: request.constraints }),
    };
    const mandate = signEs256(claims, key.kid, privateKey);
    return { mandate, mandateId: claims.jti, mandateHash: sha256Hex(mandate), kid: key.kid, expiresAt: new Date(claims.exp * 1000) };
  }

  /**
   * Errors: mandate_malformed (400), mandate_signature_invalid, mandate_foreign, mandate_expired,
   * mandate_constraint_unknown, mandate_constraint_failed, mandate_exhausted (403).
   */
  async check(tx: Transaction, token: string, payment: AgentPayment, now: Date) {
    const jws = decodeJws(token);
    if (!jws) throw new ValidationFailed('The mandate is not a compact JWS', undefined, 'mandate_malformed');
    const key = couldNameRecord(jws.header.kid) ? await this.keys.findKey(jws.header.kid, tx) : null;
    if (!key || !verifyEs256(jws, createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }))) {
      throw new MandateRefused('mandate_signature_invalid', 'The mandate signature does not verify');
    }
    const claims = mandateClaims.safeParse(jws.payload);
    if (!claims.success) throw new ValidationFailed('The mandate claims are malformed', undefined, 'mandate_malformed');
    const { iss, sub, jti, exp, currency, constraints } = mandateTerms(claims.data);
    if (key.ownerId !== payment.ownerId || iss !== payment.ownerId || sub !== payment.agentId) {
      throw new MandateRefused('mandate_foreign', 'The mandate was not issued to this agent by its owner');
    }
    if (exp * 1000 <= now.getTime()) throw new MandateRefused('mandate_expired', 'The mandate has expired');
    // Its budget is the mandate's, however the token is spelled.
    const mandateHash = sha256Hex(canonicalJws(jws));
    const spent = await this.keys.lockUsage(tx, { mandateHash, mandateId: jti, ownerId: iss, agentId: sub });
    const counterparties = [payment.toWalletId, payment.toAgentId, payment.merchantId].filter((c): c is string => c !== null);
    checkConstraints(constraints, currency, { amount: payment.amount, currency: payment.currency, counterparties }, now, spent);
    await this.keys.addUsage(tx, mandateHash, payment.amount);
    return { mandateId: jti, mandateHash };
  }

  /**
   * Whether the mandate asks the owner to confirm each payment (an AP2 intent with
   * user_cart_confirmation_required). Read before the signature is checked, only to route the
   * payment: both routes verify it in full, and a forged "no" fails that check like any forgery.
   */
  requiresConfirmation(token: string): boolean {
    const claims = mandateClaims.safeParse(decodeJws(token)?.payload);
    return claims.success && claims.data.mandate_type === 'intent' && claims.data.user_cart_confirmation_required;
  }

  async release(tx: Transaction, mandateHash: string, amount: bigint): Promise<void> {
    await this.keys.releaseUsage(tx, mandateHash, amount);
  }

  private async newOcpKey(ownerId: string): Promise<MandateKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = newId('mk');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return this.keys.insertKey({
      kid,
      ownerId,
      kind: 'ocp',
      publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
      privateKeyEncrypted: this.encryptor.encrypt(der, kid),
    });
  }
}
