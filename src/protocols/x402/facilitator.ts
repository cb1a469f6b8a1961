import { getAddress } from 'ethers';
import type { Principal } from '../../shared/principal';
import type { AuthorizationProblem, AuthorizationToSettle, Eip3009SettlementService, SettlementResult } from '../../modules/web3';
import {
  exactEvmPayload,
  X402_VERSION,
  type FacilitatorRequest,
  type SettleResponse,
  type SupportedResponse,
  type VerifyResponse,
} from './x402.schemas';

/** What the facilitator needs from the web3 module (its EIP-3009 settlement service fits). */
export type Eip3009Settler = Pick<Eip3009SettlementService, 'assets' | 'gasAddress' | 'verify' | 'settle'>;

/** The x402 reasons for OCP's findings (the names @x402/evm's own facilitator answers with, where it has one). */
const REASONS: Record<AuthorizationProblem, string> = {
  unknown_chain: 'invalid_network',
  unknown_asset: 'unsupported_asset',
  domain_mismatch: 'invalid_exact_evm_token_name_mismatch',
  invalid_signature: 'invalid_exact_evm_signature',
  recipient_mismatch: 'invalid_exact_evm_recipient_mismatch',
  payee_not_permitted: 'payto_not_caller_wallet',
  value_too_low: 'invalid_exact_evm_payload_authorization_value_mismatch',
  not_yet_valid: 'invalid_exact_evm_payload_authorization_valid_after',
  expired: 'invalid_exact_evm_payload_authorization_valid_before',
  nonce_used: 'invalid_exact_evm_nonce_already_used',
  insufficient_balance: 'invalid_exact_evm_insufficient_balance',
};
const SETTLE_FAILURES: Record<Extract<SettlementResult, { status: 'failed' }>['reason'], string> = {
  insufficient_gas: 'facilitator_insufficient_gas',
  simulation_failed: 'invalid_exact_evm_transaction_simulation_failed',
  rejected: 'settlement_rejected',
  reverted: 'invalid_exact_evm_transaction_failed',
};
const EVM_NETWORK = /^eip155:([1-9]\d{0,15})$/;

type Parsed = { ok: true; request: Omit<AuthorizationToSettle, 'payeeOwnerIds'> } | { ok: false; reason: string; payer?: string };

/** The merchant a merchant's API client acts for: its owner's vaulted wallets are the client's to be paid into. */
export interface FacilitatorMerchants {
  /** Errors: merchant_not_found (404) when the principal cannot reach it. */
  get(principal: Principal, merchantId: string): Promise<{ ownerId: string }>;
}

/**
 * OCP as an x402 v2 facilitator for the `exact` scheme on EVM chains (EIP-3009 tokens): parses and
 * checks the protocol message, then hands the authorization to the web3 module, which verifies it
 * against the chain and OCP's records and settles it from OCP's gas key. Findings are answers
 * (isValid / success false with a reason), as the interface defines them, not HTTP errors.
 */
export class X402Facilitator {
  constructor(
    private readonly settler: Eip3009Settler,
    private readonly merchants: FacilitatorMerchants,
  ) {}

  /** GET /supported: `exact` on every configured chain that has tokens, and the gas key as signer. */
  async supported(): Promise<SupportedResponse> {
    const chains = this.settler.assets().filter((c) => c.tokens.length > 0);
    const kinds = chains.map((c) => ({ x402Version: X402_VERSION, scheme: 'exact', network: `eip155:${c.chainId}` }));
    return { kinds, extensions: [], signers: kinds.length > 0 ? { 'eip155:*': [await this.settler.gasAddress()] } : {} };
  }

  /**
   * POST /verify, for the caller: `payTo` must be one of its own vaulted wallets.
   * Errors: web3_not_configured (503), chain_unavailable / chain_error (503).
   */
  async verify(caller: Principal, body: FacilitatorRequest): Promise<VerifyResponse> {
    const parsed = parse(body);
    if (!parsed.ok) return { isValid: false, invalidReason: parsed.reason, ...(parsed.payer ? { payer: parsed.payer } : {}) };
    const checked = await this.settler.verify({ ...parsed.request, payeeOwnerIds: await this.payeeOwners(caller) });
    return checked.valid
      ? { isValid: true, payer: checked.payer }
      : { isValid: false, invalidReason: REASONS[checked.problem], payer: checked.payer };
  }

  /**
   * POST /settle, for the caller: `payTo` must be one of its own vaulted wallets.
   * Errors: web3_not_configured (503), chain_unavailable / chain_error (503).
   */
  async settle(caller: Principal, body: FacilitatorRequest): Promise<SettleResponse> {
    const network = body.paymentRequirements.network;
    const parsed = parse(body);
    if (!parsed.ok) {
      return { success: false, errorReason: parsed.reason, transaction: '', network, ...(parsed.payer ? { payer: parsed.payer } : {}) };
    }
    const result = await this.settler.settle({ ...parsed.request, payeeOwnerIds: await this.payeeOwners(caller) });
    switch (result.status) {
      case 'settled':
        return { success: true, payer: result.payer, transaction: result.hash, network, amount: result.value.toString() };
      case 'refused':
        return { success: false, errorReason: REASONS[result.problem], payer: result.payer, transaction: '', network };
      case 'failed':
        return {
          success: false,
          errorReason: SETTLE_FAILURES[result.reason],
          payer: result.payer,
          transaction: result.hash ?? '',
          network,
        };
      case 'pending':
        return { success: false, errorReason: 'settlement_pending', payer: result.payer, transaction: result.hash, network };
    }
  }

  /** Whose vaulted wallets the caller may be paid into: its own and, for a merchant's API client, its merchant owner's. */
  private async payeeOwners(caller: Principal): Promise<string[]> {
    if (caller.merchantId === undefined) return [caller.sub];
    return [caller.sub, (await this.merchants.get(caller, caller.merchantId)).ownerId];
  }
}

/** The protocol-level checks: version, scheme, network, the accepted requirements, the payload's shape. */
function parse(body: FacilitatorRequest): Parsed {
  const { paymentPayload: payload, paymentRequirements: required } = body;
  const accepted = payload.accepted;
  if (accepted.scheme !== 'exact' || required.scheme !== 'exact') return { ok: false, reason: 'unsupported_scheme' };
  const chain = EVM_NETWORK.exec(required.network);
  if (!chain) return { ok: false, reason: 'invalid_network' };
  if (accepted.network !== required.network) return { ok: false, reason: 'invalid_exact_evm_network_mismatch' };
  const evm = exactEvmPayload.safeParse(payload.payload);
  if (!evm.success) return { ok: false, reason: 'invalid_payload' };
  const a = evm.data.authorization;
  const payer = a.from;
  if (
    accepted.asset.toLowerCase() !== required.asset.toLowerCase() ||
    accepted.payTo.toLowerCase() !== required.payTo.toLowerCase() ||
    accepted.amount !== required.amount
  ) {
    return { ok: false, reason: 'invalid_payment_requirements', payer };
  }
  if (!/^\d{1,78}$/.test(required.amount)) return { ok: false, reason: 'invalid_payment_requirements', payer };
  const name = required.extra?.name;
  const version = required.extra?.version;
  if (typeof name !== 'string' || typeof version !== 'string')
    return { ok: false, reason: 'invalid_exact_evm_missing_eip712_domain', payer };
  return {
    ok: true,
    request: {
      chainId: Number(chain[1]),
      asset: required.asset,
      domain: { name, version },
      payTo: required.payTo,
      minValue: BigInt(required.amount),
      authorization: {
        // Checksummed here: a mixed-case address with a wrong checksum is just the address.
        from: getAddress(a.from.toLowerCase()),
        to: getAddress(a.to.toLowerCase()),
        value: BigInt(a.value),
        validAfter: BigInt(a.validAfter),
        validBefore: BigInt(a.validBefore),
        nonce: a.nonce.toLowerCase(),
      },
      signature: evm.data.signature,
    },
  };
}
