import { getAddress, isAddress } from 'ethers';
import type { PaymentRequired, PaymentRequirements } from '@x402/core/types';
import type { AgentX402Payment, AgentX402Service, X402Authorization, X402PaymentFacts } from '../../modules/agent';
import type { Eip3009SettlementService, Eip3009SigningService } from '../../modules/web3';
import { Unprocessable } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import type { Transaction } from '../../shared/transaction';
import { outgoingRequest, type OutgoingLimits } from './outgoing';
import { createVaultX402Signer } from './vault-signer';
import { x402ClientSdk } from './x402-client-sdk';

export interface PayRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as is, with content-type application/json. */
  body?: string;
  /** The most the agent will pay for this request, in the token's base units. */
  maxAmount: bigint;
}

export interface PayResult {
  /** The status of the last answer (the paid retry's, when there was a challenge). */
  status: number;
  body: string;
  /** Present when OCP signed a payment. */
  payment: AgentX402Payment | null;
}

/** Stores the route's idempotent reply in the transaction that records the paid outcome. */
export type PersistPayResult = (tx: Transaction, result: PayResult) => Promise<void>;

const EVM_NETWORK = /^eip155:([1-9]\d{0,15})$/;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * OCP pays x402 challenges for its agents: fetches the URL (outgoing-URL safety); on a 402 picks a
 * requirement it can meet (x402 v2, `exact`, an EVM chain and token configured here, at most
 * `maxAmount`), has the agent module check the policy and reserve the budget, signs the EIP-3009
 * authorization inside the vault with the wallet the policy names, retries with the payment header
 * and records the outcome (the settlement hash from PAYMENT-RESPONSE). Refusals happen before signing.
 */
export class X402Payer {
  constructor(
    private readonly agents: Pick<AgentX402Service, 'authorize' | 'release' | 'recordSigned' | 'recordOutcome'>,
    private readonly signing: Pick<Eip3009SigningService, 'address' | 'signTransferAuthorization'>,
    private readonly chains: Pick<Eip3009SettlementService, 'assets'>,
    private readonly limits: OutgoingLimits,
  ) {}

  /**
   * Errors: x402_url_not_allowed (400), x402_unreachable (503), x402_not_a_challenge (422),
   * x402_no_payable_requirement (422), x402_above_max_amount (422), forbidden (403),
   * policy_violation (403; the rule), token_domain_mismatch (422), and the web3 module's.
   */
  async pay(principal: Principal, request: PayRequest, persist: PersistPayResult = async () => undefined): Promise<PayResult> {
    const url = new URL(request.url);
    const headers: Record<string, string> = request.body !== undefined ? { 'content-type': 'application/json' } : {};
    const send = (extra: Record<string, string>) =>
      outgoingRequest(
        url,
        { method: request.method, headers: { ...headers, ...extra }, ...(request.body !== undefined ? { body: request.body } : {}) },
        this.limits,
      );
    const first = await send({});
    if (first.status !== 402) return { status: first.status, body: first.body, payment: null };

    const challenge = this.challenge(first);
    const chosen = this.choose(challenge, request.maxAmount);
    const chainId = Number(EVM_NETWORK.exec(chosen.network)![1]);
    const facts = {
      asset: `eip155:${chainId}/erc20:${chosen.asset.toLowerCase()}`,
      amount: BigInt(chosen.amount),
      payTo: getAddress(chosen.payTo.toLowerCase()),
    };
    const authorization = await this.agents.authorize(principal, facts);
    const { client, payload, signed } = await this.signAndRecord(url, challenge, chosen, authorization, facts, principal.tenantId).catch(
      async (error: unknown) => {
        // Nothing signed has left OCP: the day's budget gets the reservation back. Should that fail
        // too, the budget stays spent: the safe side.
        await this.agents.release(authorization, facts).catch(() => undefined);
        throw error;
      },
    );
    const { x402HTTPClient } = x402ClientSdk();
    const paid = await send(new x402HTTPClient(client).encodePaymentSignatureHeader(payload));
    const settlement = settlementHash(paid.headers['payment-response']);
    const outcome = paid.status >= 200 && paid.status < 300 ? ('paid' as const) : ('refused_by_server' as const);
    const result: PayResult = {
      status: paid.status,
      body: paid.body,
      payment: { ...signed, status: outcome, httpStatus: paid.status, settlementTx: settlement },
    };
    const recorded = { status: outcome, httpStatus: paid.status, settlementTx: settlement, policyVersion: authorization.policyVersion };
    await this.agents.recordOutcome(signed, recorded, (tx) => persist(tx, result));
    return result;
  }

  /**
   * Signs the chosen requirement's EIP-3009 authorization in the vault, with the wallet the owner's
   * policy names, and records the signed payment before it is sent.
   */
  private async signAndRecord(
    url: URL,
    challenge: PaymentRequired,
    chosen: PaymentRequirements,
    authorization: X402Authorization,
    facts: X402PaymentFacts,
    tenantId: string,
  ) {
    const { registerExactEvmScheme, x402Client } = x402ClientSdk();
    // The wallet is the owner's (in the agent's tenant); the policy the owner set names it for this agent.
    const owner: Principal = { sub: authorization.ownerId, role: 'user', permissions: [], tenantId };
    const signer = await createVaultX402Signer(this.signing, owner, authorization.web3WalletId);
    // OCP's policy decides what may be spent; the SDK's own USD spend caps do not know these tokens.
    const client = registerExactEvmScheme(new x402Client(() => chosen).setSpendControls(false), { signer });
    const payload = await client.createPaymentPayload(challenge);
    const signedNonce = (payload.payload as { authorization?: { nonce?: unknown } }).authorization?.nonce;
    const nonce = typeof signedNonce === 'string' ? signedNonce : '';
    const signed = await this.agents.recordSigned(authorization, { url: url.toString(), authNonce: nonce, ...facts });
    return { client, payload, signed };
  }

  private challenge(response: { headers: Record<string, string>; body: string }): PaymentRequired {
    let body: unknown;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    const { x402Client, x402HTTPClient } = x402ClientSdk();
    try {
      return new x402HTTPClient(new x402Client()).getPaymentRequiredResponse((name) => response.headers[name.toLowerCase()], body);
    } catch {
      throw new Unprocessable('x402_not_a_challenge', 'The URL answered 402 without an x402 payment challenge');
    }
  }

  /** The first requirement OCP can meet; among those too dear, none is taken. */
  private choose(challenge: PaymentRequired, maxAmount: bigint): PaymentRequirements {
    const configured = new Map(this.chains.assets().map((c) => [c.chainId, new Set(c.tokens.map((t) => t.address.toLowerCase()))]));
    const payable = challenge.accepts.filter((r) => {
      const chain = EVM_NETWORK.exec(r.network);
      return (
        challenge.x402Version === 2 &&
        r.scheme === 'exact' &&
        chain !== null &&
        configured.get(Number(chain[1]))?.has(r.asset.toLowerCase()) === true &&
        EVM_ADDRESS.test(r.payTo) &&
        isAddress(r.payTo.toLowerCase()) &&
        /^\d{1,78}$/.test(r.amount) &&
        ((r.extra as { assetTransferMethod?: unknown } | undefined)?.assetTransferMethod ?? 'eip3009') === 'eip3009'
      );
    });
    if (payable.length === 0)
      throw new Unprocessable(
        'x402_no_payable_requirement',
        'No requirement of the challenge is one OCP can pay (exact, a configured EVM token)',
      );
    const affordable = payable.find((r) => BigInt(r.amount) <= maxAmount);
    if (!affordable) {
      throw new Unprocessable('x402_above_max_amount', 'Every payable requirement asks more than maxAmount', {
        asked: payable.map((r) => r.amount),
      });
    }
    return affordable;
  }
}

function settlementHash(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const transaction = x402ClientSdk().decodePaymentResponseHeader(header).transaction;
    return /^0x[0-9a-fA-F]{64}$/.test(transaction) ? transaction : null;
  } catch {
    return null;
  }
}
