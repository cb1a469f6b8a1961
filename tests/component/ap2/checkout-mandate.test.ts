import { SigningKeySchema } from '@ucp-js/sdk';
import { statusOf } from '../../../src/shared/error-catalogue';
import {
  buildCheckoutMandate,
  issueCheckoutMandate,
  presentCheckoutMandate,
  registerOwnerMandateKey,
  sampleCheckout,
  unregisteredKey,
  type SigningKey,
} from '../../support/ap2';
import { otherSignature } from '../../support/es256';
import type { TestUser } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('AP2 checkout mandates (UCP ap2-mandates 2026-01-11, business verification)', () => {
  let t: TestApp;
  let merchant: { id: string; ucpEndpoint: string };
  let otherMerchant: { id: string; ucpEndpoint: string };
  let payer: TestUser;
  let payerKey: SigningKey;
  let strangerKey: SigningKey;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    const seller = await registerUser(t);
    merchant = await createMerchant(t, seller);
    otherMerchant = await createMerchant(t, seller, 'USD', 'Other Shop');
    payer = await registerUser(t);
    payerKey = await registerOwnerMandateKey(t, payer);
    strangerKey = await registerOwnerMandateKey(t, await registerUser(t));
  });
  afterAll(() => t.close());

  const signing = () => t.container.services.merchants.signing;
  const mandates = () => t.container.services.ap2.checkoutMandates;

  /** A checkout as OCP would answer it now: signed by `by` (default: the merchant itself). */
  async function signedCheckout(id = `chk_${++counter}`, change?: (c: Record<string, unknown>) => void, by = merchant.id) {
    const checkout = sampleCheckout(id);
    change?.(checkout);
    return { ...checkout, ap2: { merchant_authorization: await signing().signCheckout(by, checkout) } };
  }

  const verify = (mandate: unknown, checkout: Record<string, unknown>, extra: { payerOwnerId?: string; now?: Date } = {}) =>
    mandates().verifyCheckoutMandate({
      mandate,
      merchantId: merchant.id,
      audience: merchant.ucpEndpoint,
      checkout,
      payerOwnerId: extra.payerOwnerId ?? payer.id,
      now: extra.now ?? new Date(),
    });

  const refusedWith = async (promise: Promise<unknown>, code: string) => {
    await expect(promise).rejects.toMatchObject({ code });
    expect(statusOf(code as never)).toBeGreaterThanOrEqual(400);
    expect(statusOf(code as never)).toBeLessThan(500);
  };

  describe('merchant signing keys', () => {
    it('when a merchant signs for the first time, then it gets one ES256 key that the UCP SDK reads as a signing key and that verifies its signature', async () => {
      const checkout = await signedCheckout();
      const keys = await signing().publicSigningKeys(merchant.id);
      expect(keys).toHaveLength(1);
      expect(SigningKeySchema.parse(keys[0])).toEqual(keys[0]);
      expect(keys[0]).toEqual({
        kid: expect.stringMatching(/^msk_/),
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
      expect(Object.keys(keys[0]!)).not.toContain('d');
      const header = JSON.parse(Buffer.from(checkout.ap2.merchant_authorization.split('.')[0]!, 'base64url').toString()) as unknown;
      expect(header).toEqual({ alg: 'ES256', kid: keys[0]!.kid });
      const { ap2, ...withoutAp2 } = checkout;
      expect(await signing().verifyOwnAuthorization(merchant.id, ap2.merchant_authorization, withoutAp2)).toBe(true);
      expect(await signing().verifyOwnAuthorization(otherMerchant.id, ap2.merchant_authorization, withoutAp2)).toBe(false);
      expect(await signing().verifyOwnAuthorization(merchant.id, 'garbage', withoutAp2)).toBe(false);
    });

    it('when two first uses race, then the merchant still has exactly one active key and both signatures verify', async () => {
      const fresh = await createMerchant(t, await registerUser(t));
      const checkout = sampleCheckout('chk_race');
      const [a, b, c] = await Promise.all([
        signing().signCheckout(fresh.id, checkout),
        signing().signCheckout(fresh.id, checkout),
        signing().publicSigningKeys(fresh.id),
      ]);
      const { rows } = await t.container.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM merchant_signing_keys WHERE merchant_id = $1',
        [fresh.id],
      );
      expect(rows[0]!.n).toBe(1);
      expect(c).toHaveLength(1);
      expect(await signing().verifyOwnAuthorization(fresh.id, a, checkout)).toBe(true);
      expect(await signing().verifyOwnAuthorization(fresh.id, b, checkout)).toBe(true);
    });

    it('when the private key is stored, then it is encrypted under its kid, not the plain PKCS#8', async () => {
      const { rows } = await t.container.db.query<{ kid: string; private_key_encrypted: string }>(
        'SELECT kid, private_key_encrypted FROM merchant_signing_keys WHERE merchant_id = $1',
        [merchant.id],
      );
      expect(rows[0]!.private_key_encrypted).not.toMatch(/^MI/);
    });

    it('when the merchant does not exist, then signing is refused as merchant_not_found and no key is made', async () => {
      await expect(signing().signCheckout('mer_nope', {})).rejects.toMatchObject({ code: 'merchant_not_found' });
      await expect(signing().publicSigningKeys('mer_nope')).rejects.toMatchObject({ code: 'merchant_not_found' });
    });
  });

  describe('verifyCheckoutMandate', () => {
    it('when the owner signed the checkout the merchant signed, bound to this business and checkout, then it verifies with its hash and kid', async () => {
      const checkout = await signedCheckout();
      const mandate = buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint });
      const verified = await verify(mandate, checkout);
      expect(verified).toEqual({ mandateHash: expect.stringMatching(/^[0-9a-f]{64}$/), issuerKid: payerKey.kid });
    });

    it('when the checkout is in the clear in the signed claims, or the typ is vc+sd-jwt, then it verifies too', async () => {
      const checkout = await signedCheckout();
      await expect(
        verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint, discloseCheckout: false }), checkout),
      ).resolves.toBeTruthy();
      await expect(
        verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint, typ: 'vc+sd-jwt' }), checkout),
      ).resolves.toBeTruthy();
    });

    it('when no mandate is sent, then it is mandate_required', async () => {
      const checkout = await signedCheckout();
      for (const missing of [undefined, null, '']) await refusedWith(verify(missing, checkout), 'mandate_required');
    });

    it.each([
      ['garbage', 'not-a-mandate'],
      ['a JWS without disclosures', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
      ['non-base64url parts', 'a$b.c.d~e~'],
      ['a number', 42],
      ['an object', { checkout_mandate: 'x' }],
      ['something huge', `${'a'.repeat(300_000)}.b.c~`],
    ])('when the mandate is %s, then it is mandate_invalid_signature', async (_name, mandate) => {
      await refusedWith(verify(mandate, await signedCheckout()), 'mandate_invalid_signature');
    });

    it('when the mandate is signed by a key OCP does not know, then it is agent_missing_key', async () => {
      const checkout = await signedCheckout();
      await refusedWith(
        verify(buildCheckoutMandate({ key: unregisteredKey(), checkout, audience: merchant.ucpEndpoint }), checkout),
        'agent_missing_key',
      );
    });

    it("when the mandate is signed by another owner's registered key, then it is mandate_invalid_signature", async () => {
      const checkout = await signedCheckout();
      await refusedWith(
        verify(buildCheckoutMandate({ key: strangerKey, checkout, audience: merchant.ucpEndpoint }), checkout),
        'mandate_invalid_signature',
      );
      // The same mandate is fine for the owner it belongs to: the refusal is about whose key it is.
      const theirs = await registerUser(t);
      const theirKey = await registerOwnerMandateKey(t, theirs);
      await expect(
        verify(buildCheckoutMandate({ key: theirKey, checkout, audience: merchant.ucpEndpoint }), checkout, { payerOwnerId: theirs.id }),
      ).resolves.toBeTruthy();
    });

    it('when the issuer signature is forged with the registered kid but another key, then it is mandate_invalid_signature', async () => {
      const checkout = await signedCheckout();
      const forged = buildCheckoutMandate({
        key: { kid: payerKey.kid, privateKey: unregisteredKey().privateKey },
        checkout,
        audience: merchant.ucpEndpoint,
      });
      await refusedWith(verify(forged, checkout), 'mandate_invalid_signature');
    });

    it('when the mandate has expired, then it is mandate_expired', async () => {
      const checkout = await signedCheckout();
      await refusedWith(
        verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint, expiresInSeconds: -1 }), checkout),
        'mandate_expired',
      );
    });

    it('when the embedded checkout is changed after the merchant signed it (a lower price), then it is merchant_authorization_invalid', async () => {
      const checkout = await signedCheckout();
      const mandate = buildCheckoutMandate({
        key: payerKey,
        checkout,
        audience: merchant.ucpEndpoint,
        tamper: (c) => {
          (c.totals as { type: string; amount: number }[])[1]!.amount = 1;
        },
      });
      await refusedWith(verify(mandate, checkout), 'merchant_authorization_invalid');
    });

    it("when the embedded checkout carries another merchant's signature, then it is merchant_authorization_invalid", async () => {
      const foreign = await signedCheckout(undefined, undefined, otherMerchant.id);
      await refusedWith(
        verify(buildCheckoutMandate({ key: payerKey, checkout: foreign, audience: merchant.ucpEndpoint }), foreign),
        'merchant_authorization_invalid',
      );
    });

    it('when the embedded checkout has no merchant_authorization, then it is merchant_authorization_missing', async () => {
      const { ap2: _dropped, ...unsigned } = await signedCheckout();
      await refusedWith(
        verify(buildCheckoutMandate({ key: payerKey, checkout: unsigned, audience: merchant.ucpEndpoint }), unsigned),
        'merchant_authorization_missing',
      );
    });

    it('when the mandate carries an earlier state the merchant signed (other quantity), then it is mandate_scope_mismatch', async () => {
      const id = `chk_${++counter}`;
      const earlier = await signedCheckout(id, (c) => {
        const line = (c.line_items as Record<string, unknown>[])[0]!;
        line.quantity = 1;
        c.totals = [
          { type: 'subtotal', amount: 2500 },
          { type: 'total', amount: 2500 },
        ];
      });
      const now = await signedCheckout(id);
      await refusedWith(
        verify(buildCheckoutMandate({ key: payerKey, checkout: earlier, audience: merchant.ucpEndpoint }), now),
        'mandate_scope_mismatch',
      );
    });

    it('when the mandate carries another checkout the merchant signed, presented for this one, then it is mandate_scope_mismatch', async () => {
      const other = await signedCheckout();
      const current = await signedCheckout();
      const mandate = buildCheckoutMandate({ key: payerKey, checkout: other, audience: merchant.ucpEndpoint, nonce: String(current.id) });
      await refusedWith(verify(mandate, current), 'mandate_scope_mismatch');
    });

    it.each([
      ['bound to another checkout (nonce)', { nonce: 'chk_elsewhere' }],
      ['bound to another business (aud)', { audience: 'https://other.example/ucp' }],
      ['without key binding', { omitKeyBinding: true }],
      ['key-bound by another key than cnf.jwk', { wrongHolderKey: true }],
      ['with a stale key binding', { iatOffsetSeconds: -600 }],
      ['with a key binding from the future', { iatOffsetSeconds: 600 }],
      ['with a wrong sd_hash', { wrongSdHash: true }],
      ['with an unreferenced disclosure', { unreferencedDisclosures: 1 }],
      ['with a duplicate disclosure', { duplicateDisclosure: true }],
      ['with a plain JWT typ', { typ: 'JWT' }],
    ])('when the mandate is %s, then it is mandate_invalid_signature', async (_name, knobs) => {
      const checkout = await signedCheckout();
      await refusedWith(
        verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint, ...knobs }), checkout),
        'mandate_invalid_signature',
      );
    });

    it('when the presentation is altered after key binding (a disclosure dropped), then it is mandate_invalid_signature', async () => {
      const checkout = await signedCheckout();
      const mandate = buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint });
      const parts = mandate.split('~');
      await refusedWith(verify([parts[0], parts[2]].join('~'), checkout), 'mandate_invalid_signature');
    });
  });

  describe('recordMandateUse', () => {
    const record = (mandateHash: string, checkoutId: string) =>
      t.container.db.transaction((tx) => mandates().recordMandateUse(tx, { mandateHash, merchantId: merchant.id, checkoutId }));

    it('when a mandate is used once, then a second use, even with a fresh key binding, is mandate_already_used', async () => {
      const checkout = await signedCheckout();
      const issued = issueCheckoutMandate({ key: payerKey, checkout });
      const first = await verify(presentCheckoutMandate(issued, { audience: merchant.ucpEndpoint, nonce: String(checkout.id) }), checkout);
      await record(first.mandateHash, String(checkout.id));
      const again = await verify(
        presentCheckoutMandate(issued, { audience: merchant.ucpEndpoint, nonce: String(checkout.id), iatOffsetSeconds: -1 }),
        checkout,
      );
      expect(again.mandateHash).toBe(first.mandateHash);
      await refusedWith(record(again.mandateHash, String(checkout.id)), 'mandate_already_used');
    });

    it('when the issuer signature is replaced by its other valid ECDSA form (r, n − s), then it is the same mandate, already used', async () => {
      const checkout = await signedCheckout();
      const issued = issueCheckoutMandate({ key: payerKey, checkout });
      const first = await verify(presentCheckoutMandate(issued, { audience: merchant.ucpEndpoint, nonce: String(checkout.id) }), checkout);
      await record(first.mandateHash, String(checkout.id));
      const [issuerJwt, ...rest] = issued.sdJwt.split('~');
      const twin = { ...issued, sdJwt: [otherSignature(issuerJwt!), ...rest].join('~') };
      expect(twin.sdJwt).not.toBe(issued.sdJwt);
      const again = await verify(presentCheckoutMandate(twin, { audience: merchant.ucpEndpoint, nonce: String(checkout.id) }), checkout);
      expect(again.mandateHash).toBe(first.mandateHash);
      await refusedWith(record(again.mandateHash, String(checkout.id)), 'mandate_already_used');
    });

    it('when the completing transaction rolls back, then the mandate is still unused', async () => {
      const checkout = await signedCheckout();
      const { mandateHash } = await verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint }), checkout);
      await expect(
        t.container.db.transaction(async (tx) => {
          await mandates().recordMandateUse(tx, { mandateHash, merchantId: merchant.id, checkoutId: String(checkout.id) });
          throw new Error('payment failed');
        }),
      ).rejects.toThrow('payment failed');
      await expect(record(mandateHash, String(checkout.id))).resolves.toBeUndefined();
    });

    it('when two completions record the same mandate at once, then exactly one succeeds', async () => {
      const checkout = await signedCheckout();
      const { mandateHash } = await verify(buildCheckoutMandate({ key: payerKey, checkout, audience: merchant.ucpEndpoint }), checkout);
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => record(mandateHash, String(checkout.id))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected'))
        expect(r.reason).toMatchObject({ code: 'mandate_already_used' });
    });
  });
});
