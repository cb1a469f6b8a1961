import { createHash } from 'node:crypto';
import { getAddress } from 'ethers';
import type { PaymentPayload, PaymentRequired, PaymentRequirements } from '@x402/core/types';
import type { AgentX402Payment, AgentX402Service, UnresolvedX402Payment, X402Authorization, X402PaymentFacts } from '../../modules/agent';
import type { AuthorizationFate, Eip3009SettlementService, Eip3009SigningService } from '../../modules/web3';
import { AppError, Conflict, Unprocessable } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import type { Transaction } from '../../shared/transaction';
import { chooseRequirement, EVM_NETWORK, readChallenge, settlementHash } from './challenge';
import { outgoingRequest, type OutgoingLimits, type OutgoingResponse } from './outgoing';
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

/** The caller's Idempotency-Key for the fetch, scoped as the idempotency layer scopes it (the caller's id). */
export interface PayKey {
  scope: string;
  key: string;
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

const ASSET_KEY = /^eip155:([1-9]\d{0,15})\/erc20:(0x[0-9a-f]{40})$/;

/**
 * OCP pays x402 challenges for its agents: fetches the URL (outgoing-URL safety); on a 402 picks a
 * requirement it can meet (x402 v2, `exact`, an EVM chain and token configured here, at most
 * `maxAmount`), has the agent module check the policy and reserve the budget, signs the EIP-3009
 * authorization inside the vault with the wallet the policy names, retries with the payment header
 * and records the outcome (the settlement hash from PAYMENT-RESPONSE). Refusals happen before signing.
 *
 * One Idempotency-Key is one payment: the signed payment is recorded under the caller's key before
 * it is sent, and stays bound to it until the server's answer is recorded (with the reply stored
 * under the key). When that answer is lost, a retry with the key sends the SAME signed payment
 * again; it never signs another.
 */
export class X402Payer {
  constructor(
    private readonly agents: Pick<
      AgentX402Service,
      'authorize' | 'release' | 'recordSigned' | 'recordOutcome' | 'recordExpired' | 'unresolved'
    >,
    private readonly signing: Pick<Eip3009SigningService, 'address' | 'signTransferAuthorization'>,
    private readonly chains: Pick<Eip3009SettlementService, 'assets' | 'authorizationFate'>,
    private readonly limits: OutgoingLimits,
  ) {}

  /**
   * `key`: the caller's Idempotency-Key; `persist` stores the reply under it with the outcome.
   * Errors: x402_url_not_allowed (400), x402_unreachable (503; details.paymentId when a signed payment
   * was sent and its answer lost: retry with the same key), x402_not_a_challenge (422),
   * x402_no_payable_requirement (422), x402_above_max_amount (422), forbidden (403),
   * policy_violation (403; the rule), token_domain_mismatch (422), x402_payment_unresolved (409; a
   * retry whose payment the server still does not serve), idempotency_conflict (422; the key's
   * payment was for another fetch), idempotency_in_flight (409), and the web3 module's.
   */
  async pay(principal: Principal, request: PayRequest, key: PayKey, persist: PersistPayResult): Promise<PayResult> {
    const requestHash = fetchHash(request);
    const open = await this.agents.unresolved(key.scope, key.key);
    if (open) {
      const resent = await this.resend(open, request, requestHash, persist);
      if (resent !== 'expired') return resent;
    }

    const first = await this.fetch(request, {});
    if (first.status !== 402) return { status: first.status, body: first.body, payment: null };

    const challenge = readChallenge(first);
    const chosen = chooseRequirement(challenge, request.maxAmount, this.chains.assets());
    const chainId = Number(EVM_NETWORK.exec(chosen.network)![1]);
    const facts = {
      asset: `eip155:${chainId}/erc20:${chosen.asset.toLowerCase()}`,
      amount: BigInt(chosen.amount),
      payTo: getAddress(chosen.payTo.toLowerCase()),
    };
    const authorization = await this.agents.authorize(principal, facts);
    const bound = { ...key, requestHash };
    const { header, signed } = await this.signAndRecord(
      request.url,
      challenge,
      chosen,
      authorization,
      facts,
      bound,
      principal.tenantId,
    ).catch(async (error: unknown) => {
      // Nothing signed has left OCP: the day's budget gets the reservation back. Should that fail
      // too, the budget stays spent: the safe side.
      await this.agents.release(authorization, facts).catch(() => undefined);
      throw error;
    });
    const paid = await this.fetch(request, header).catch((error: unknown) => {
      throw isUnreachable(error) ? answerLost(signed) : error;
    });
    return this.recordAnswer(signed, authorization.policyVersion, paid, persist);
  }

  /**
   * A retry of a key whose signed payment has no recorded outcome: the same payment (authorization,
   * nonce, signature) is sent once more. A 2xx completes it as the first request would have. Any
   * other answer, or none, asks the chain: a payment that can never settle (unused, past its window)
   * is recorded expired with its budget given back, and the caller pays afresh under the key
   * ('expired'); otherwise x402_payment_unresolved, and nothing is signed. The budget was reserved
   * once, when it was signed.
   */
  private async resend(
    open: UnresolvedX402Payment,
    request: PayRequest,
    requestHash: string,
    persist: PersistPayResult,
  ): Promise<PayResult | 'expired'> {
    if (open.resend.requestHash !== requestHash) {
      throw new Unprocessable('idempotency_conflict', 'This Idempotency-Key was already used with a different request');
    }
    const payload = JSON.parse(open.resend.signedPayload) as PaymentPayload;
    const { x402Client, x402HTTPClient } = x402ClientSdk();
    const header = new x402HTTPClient(new x402Client()).encodePaymentSignatureHeader(payload);
    const paid = await this.fetch(request, header).catch((error: unknown) => {
      if (isUnreachable(error)) return null;
      throw error;
    });
    if (paid && paid.status >= 200 && paid.status < 300) return this.recordAnswer(open.payment, open.resend.policyVersion, paid, persist);
    const httpStatus = paid?.status ?? null;
    const fate = await this.fateOf(open.payment, payload);
    if (fate !== 'expired') throw unresolvedError(open.payment, fate, httpStatus);
    await this.agents.recordExpired(open, httpStatus);
    return 'expired';
  }

  /** What the chain says of the payment's authorization; null when it cannot say. */
  private async fateOf(payment: AgentX402Payment, payload: PaymentPayload): Promise<AuthorizationFate | null> {
    const asset = ASSET_KEY.exec(payment.asset);
    const { from, validBefore } = (payload.payload as { authorization?: { from?: unknown; validBefore?: unknown } }).authorization ?? {};
    if (!asset || typeof from !== 'string' || typeof validBefore !== 'string' || !/^\d{1,20}$/.test(validBefore)) return null;
    return this.chains.authorizationFate(Number(asset[1]), asset[2]!, from, payment.authNonce, BigInt(validBefore));
  }

  /** Records the server's answer to the paid request, and stores the reply under the key in the same transaction. */
  private async recordAnswer(
    signed: AgentX402Payment,
    policyVersion: number,
    paid: OutgoingResponse,
    persist: PersistPayResult,
  ): Promise<PayResult> {
    const settlement = settlementHash(paid.headers['payment-response']);
    const outcome = paid.status >= 200 && paid.status < 300 ? ('paid' as const) : ('refused_by_server' as const);
    const result: PayResult = {
      status: paid.status,
      body: paid.body,
      payment: { ...signed, status: outcome, httpStatus: paid.status, settlementTx: settlement },
    };
    const recorded = { status: outcome, httpStatus: paid.status, settlementTx: settlement, policyVersion };
    await this.agents.recordOutcome(signed, recorded, (tx) => persist(tx, result));
    return result;
  }

  private fetch(request: PayRequest, extra: Record<string, string>): Promise<OutgoingResponse> {
    const headers: Record<string, string> = request.body !== undefined ? { 'content-type': 'application/json' } : {};
    const init = { method: request.method, headers: { ...headers, ...extra } };
    return outgoingRequest(new URL(request.url), request.body !== undefined ? { ...init, body: request.body } : init, this.limits);
  }

  /**
   * Signs the chosen requirement's EIP-3009 authorization in the vault, with the wallet the owner's
   * policy names, and records the signed payment before it is sent.
   */
  private async signAndRecord(
    url: string,
    challenge: PaymentRequired,
    chosen: PaymentRequirements,
    authorization: X402Authorization,
    facts: X402PaymentFacts,
    key: PayKey & { requestHash: string },
    tenantId: string,
  ) {
    const { registerExactEvmScheme, x402Client, x402HTTPClient } = x402ClientSdk();
    // The wallet is the owner's (in the agent's tenant); the policy the owner set names it for this agent.
    const owner: Principal = { sub: authorization.ownerId, role: 'user', permissions: [], tenantId };
    const signer = await createVaultX402Signer(this.signing, owner, authorization.web3WalletId);
    // OCP's policy decides what may be spent; the SDK's own USD spend caps do not know these tokens.
    const client = registerExactEvmScheme(new x402Client(() => chosen).setSpendControls(false), { signer });
    const payload = await client.createPaymentPayload(challenge);
    const signedNonce = (payload.payload as { authorization?: { nonce?: unknown } }).authorization?.nonce;
    const nonce = typeof signedNonce === 'string' ? signedNonce : '';
    // Kept with the key until the outcome is known: a retry sends this payload again, never a new one.
    const signed = await this.agents.recordSigned(
      authorization,
      { url: new URL(url).toString(), authNonce: nonce, ...facts },
      { ...key, signedPayload: JSON.stringify(payload) },
    );
    return { header: new x402HTTPClient(client).encodePaymentSignatureHeader(payload), signed };
  }
}

/**
 * The fetch a key pays for: a retry under the key must ask the same (URL, method, body, most to pay),
 * whichever road (REST or MCP) it comes by.
 */
function fetchHash(r: PayRequest): string {
  const fetch = [new URL(r.url).toString(), r.method, r.body ?? null, r.maxAmount.toString()];
  return createHash('sha256').update(JSON.stringify(fetch)).digest('hex');
}

/** A retry's payment that the server did not serve again and that may still settle, or whose fate the chain did not tell. */
function unresolvedError(payment: AgentX402Payment, fate: 'used' | 'open' | null, httpStatus: number | null): AppError {
  const onChain = fate === null ? 'unknown' : fate === 'used' ? 'settled' : 'not_settled';
  const why = {
    settled: 'its authorization is settled on chain (paid once), but the server did not serve the paid answer again',
    not_settled:
      'its authorization is not settled on chain and the server did not accept it again; it can still settle until its window ends, and a retry after that pays afresh',
    unknown: 'the server did not accept it again and the chain did not say whether it settled',
  }[onChain];
  const answered = httpStatus === null ? 'no answer' : `HTTP ${httpStatus}`;
  return new Conflict(
    'x402_payment_unresolved',
    `The payment ${payment.id} signed under this Idempotency-Key was sent again (${answered}): ${why}. Nothing new was signed.`,
    { paymentId: payment.id, httpStatus, onChain },
  );
}

function isUnreachable(error: unknown): boolean {
  return error instanceof AppError && error.code === 'x402_unreachable';
}

/** The paid request was sent and its answer lost: the payment stays bound to the key for a retry. */
function answerLost(signed: AgentX402Payment): AppError {
  const error = new AppError(
    'unavailable',
    'x402_unreachable',
    `The answer to the paid request was lost; the payment ${signed.id} is signed and its outcome unknown. ` +
      'Retry with the same Idempotency-Key: it sends the same payment again and never signs a new one.',
    { paymentId: signed.id },
  );
  error.retryAfterSeconds = 5;
  return error;
}
