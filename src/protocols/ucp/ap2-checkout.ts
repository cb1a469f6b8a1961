import type { CheckoutPayment, CheckoutResult, PublicMerchant } from '../../modules/merchant';
import type { Transaction } from '../../shared/transaction';
import { Ap2Refused, type CheckoutMandateService } from './ap2';
import type { OwnerMandateKeyLookup } from './ap2/checkout-mandate.repository';
import { parseSdJwt } from './ap2/sd-jwt';
import type { CompleteGuard } from './complete-guard';
import { UCP_VERSION } from './ucp-version';
import { couldNameRecord } from '../../shared/record-id';

export const AP2_CAPABILITY = 'dev.ucp.shopping.ap2_mandate';

/** The capability as a merchant that requires AP2 declares it in its profile (ap2-mandates.md). */
export function ap2Capability() {
  return {
    name: AP2_CAPABILITY,
    version: UCP_VERSION,
    spec: 'https://ucp.dev/specification/ap2-mandates',
    schema: 'https://ucp.dev/schemas/shopping/ap2_mandate.json',
    extends: 'dev.ucp.shopping.checkout',
    config: { vp_formats_supported: { 'dc+sd-jwt': {} } },
  };
}

/**
 * OCP never fetches a platform's profile (that would be a request to a URL a caller chose), so AP2
 * is "negotiated" exactly when the merchant requires it (PATCH /merchants/{id} ap2Mandate).
 */
export const ap2InForce = (merchant: PublicMerchant) => merchant.ap2Mandate === 'required';

/** What the merchant module's signing service does for the edge. */
export interface CheckoutSigner {
  signCheckout(merchantId: string, checkoutWithoutAp2: Record<string, unknown>): Promise<string>;
}

/**
 * The checkout response with AP2 when in force: the capability in `ucp.capabilities`, then
 * `ap2.merchant_authorization` over everything else (the spec signs the response minus `ap2`).
 */
export async function withAp2(
  signer: CheckoutSigner,
  merchant: PublicMerchant,
  checkout: Record<string, unknown> & { ucp: { capabilities: object[] } },
) {
  if (!ap2InForce(merchant)) return checkout;
  const unsigned = {
    ...checkout,
    ucp: { ...checkout.ucp, capabilities: [...checkout.ucp.capabilities, { name: AP2_CAPABILITY, version: UCP_VERSION }] },
  };
  return { ...unsigned, ap2: { merchant_authorization: await signer.signCheckout(merchant.id, unsigned) } };
}

interface Checked {
  mandateHash: string;
  merchantId: string;
  checkoutId: string;
  /** The owner whose registered key signed the mandate: the paying agent's owner must be this one. */
  signerOwnerId: string;
}

/**
 * AP2's part of a complete when the merchant requires it. Before anything is paid, the checkout
 * mandate is verified against the session as OCP answers it now (its terms, this merchant's
 * signature inside it, the key binding to this endpoint and checkout, expiry). Whose consent it is
 * comes from the mandate's own key; inside the payment's transaction, once the credential has named
 * the paying agent, that owner must be the agent's owner (else mandate_invalid_signature), and the
 * mandate's single use is recorded there (mandate_already_used on a replay). Any refusal rolls the
 * payment back. The verification reads the database, so it runs outside the payment's transaction.
 */
export function ap2Guard(d: {
  mandates: Pick<CheckoutMandateService, 'verifyCheckoutMandate' | 'recordMandateUse'>;
  ownerKeys: OwnerMandateKeyLookup;
  render: (result: CheckoutResult) => Promise<object>;
  now?: () => Date;
}): CompleteGuard {
  const now = d.now ?? (() => new Date());
  return {
    async check(current, body) {
      if (!ap2InForce(current.merchant)) return null;
      const mandate = body.ap2?.checkout_mandate;
      if (mandate === undefined) {
        throw new Ap2Refused('mandate_required', 'This merchant requires AP2: complete needs ap2.checkout_mandate');
      }
      const kid = parseSdJwt(mandate).issuerJwt.header.kid;
      const signer = couldNameRecord(kid) ? await d.ownerKeys.findOwnerMandateKey(kid) : null;
      const verified = await d.mandates.verifyCheckoutMandate({
        mandate,
        merchantId: current.merchant.id,
        audience: current.merchant.ucpEndpoint,
        checkout: (await d.render(current)) as Record<string, unknown>,
        // Unknown keys are refused by the verifier itself (agent_missing_key).
        payerOwnerId: signer?.ownerId ?? '',
        now: now(),
      });
      const checked: Checked = {
        mandateHash: verified.mandateHash,
        merchantId: current.merchant.id,
        checkoutId: current.session.id,
        signerOwnerId: signer!.ownerId,
      };
      return checked;
    },
    async inTx(tx: Transaction, checked: unknown, paid: CheckoutPayment) {
      if (checked === null) return;
      const { mandateHash, merchantId, checkoutId, signerOwnerId } = checked as Checked;
      if (paid.payerOwnerId !== signerOwnerId) {
        throw new Ap2Refused('mandate_invalid_signature', 'The checkout mandate is not signed by the owner of the paying agent');
      }
      await d.mandates.recordMandateUse(tx, { mandateHash, merchantId, checkoutId });
    },
  };
}
