import { getAddress, isAddress } from 'ethers';
import { newId } from '../../infra/crypto/ids';
import { currentTenantId } from '../../infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../shared/tenant-settings';
import { AppError, InsufficientFunds } from '../../shared/errors';
import type { TransactionRunner } from '../../shared/transaction';
import type { Chain, ChainRegistry } from './chain-registry';
import { Eip3009Broadcasts } from './eip3009-broadcasts';
import { chainToAppError } from './chain-errors';
import {
  authorizationSigner,
  domainSeparator,
  EIP3009_TOKEN,
  transferWithAuthorizationData,
  type TokenDomain,
  type TransferAuthorization,
} from './eip3009';
import type { Eip3009Settlement, Eip3009SettlementRepository } from './eip3009-settlement.repository';
import { ChainRejected } from './evm-rpc';
import { buildContractCall } from './send-builder';
import type { KeyVault } from './vault/key-vault';
import { SYSTEM_OWNER_PREFIX } from './web3-access';
import type { Web3Repository, Web3Wallet } from './web3.repository';

/** An EIP-3009 authorization offered as payment, and what the payee asked for. */
export interface AuthorizationToSettle {
  chainId: number;
  /** The token contract the payee asked for (any case). */
  asset: string;
  /** The EIP-712 domain the payee announced for the token. */
  domain: TokenDomain;
  /** Who must receive the value (any case): a chain wallet in OCP's vault of one of `payeeOwnerIds`. */
  payTo: string;
  /** Whose vaulted wallets may be paid: the caller's own id and, for a merchant's API client, the merchant's owner. */
  payeeOwnerIds: readonly string[];
  /** The least value that pays (base units). */
  minValue: bigint;
  authorization: TransferAuthorization;
  signature: string;
}

/** Why an authorization does not pay. */
export type AuthorizationProblem =
  | 'unknown_chain'
  | 'unknown_asset'
  | 'domain_mismatch'
  | 'invalid_signature'
  | 'recipient_mismatch'
  | 'payee_not_permitted'
  | 'value_too_low'
  | 'not_yet_valid'
  | 'expired'
  | 'nonce_used'
  | 'insufficient_balance';

/** What became of a signed EIP-3009 authorization on chain (see `authorizationFate`). */
export type AuthorizationFate = 'used' | 'open' | 'expired';

export type AuthorizationCheck = { valid: true; payer: string } | { valid: false; payer: string; problem: AuthorizationProblem };

export type SettlementResult =
  | { status: 'settled'; payer: string; hash: string; value: bigint }
  | { status: 'refused'; payer: string; problem: AuthorizationProblem }
  /**
   * The gas key could not submit it (`hash` null: nothing is on chain; also when the node refused the
   * broadcast: `rejected`, or `insufficient_gas` at send time), or the transaction reverted.
   */
  | { status: 'failed'; payer: string; hash: string | null; reason: 'insufficient_gas' | 'simulation_failed' | 'rejected' | 'reverted' }
  /** Recorded and (perhaps) broadcast, not yet mined: the reconciler will finish it. */
  | { status: 'pending'; payer: string; hash: string };

/** OCP's gas key for settlements: a vaulted chain wallet of OCP itself, made on first use. */
export const GAS_WALLET_ID = 'w3w_eip3009_gas';

/**
 * Each tenant's own gas key (docs/tenants.md): the default tenant's keeps the first id; another's
 * names its tenant, as wallet ids are unique everywhere while each tenant sees its own rows alone.
 */
export function gasWalletId(tenantId: string = currentTenantId()): string {
  return tenantId === DEFAULT_TENANT_ID ? GAS_WALLET_ID : `${GAS_WALLET_ID}_${tenantId}`;
}
const GAS_WALLET_OWNER = `${SYSTEM_OWNER_PREFIX}eip3009-gas`;
// Settlement needs the authorization to stay valid while the transaction is mined (as @x402/evm's facilitator).
const VALID_BEFORE_MARGIN_S = 6n;

class ReplayRefused extends Error {}

/**
 * Verifies and settles EIP-3009 transferWithAuthorization payments (the x402 `exact` EVM scheme),
 * submitting them from OCP's gas key through the vault, the nonce row and the broadcaster the
 * sends use. Every settlement is recorded, signed, before its broadcast; `reconcile` finishes those
 * a stopped process left open.
 */
export class Eip3009SettlementService {
  /** The broadcast, the receipt, the node's refusals and the reconciler's pass. */
  private readonly broadcasts: Eip3009Broadcasts;

  constructor(
    private readonly db: TransactionRunner,
    private readonly web3: Web3Repository,
    private readonly settlements: Eip3009SettlementRepository,
    private readonly vault: KeyVault,
    private readonly chains: ChainRegistry,
    private readonly receiptWaitMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.broadcasts = new Eip3009Broadcasts(db, web3, settlements, chains);
  }

  /** The chains and tokens that can be settled here (configured ERC-20 tokens of WEB3_CHAINS). */
  assets(): { chainId: number; tokens: { symbol: string; address: string }[] }[] {
    return this.chains.all().map((c) => ({ chainId: c.id, tokens: c.tokens.map((t) => ({ symbol: t.symbol, address: t.address })) }));
  }

  /** The gas key's address (what the operator funds with the native coin). Errors: the database's. */
  async gasAddress(): Promise<string> {
    return (await this.gasWallet()).address;
  }

  /**
   * What became of a signed authorization, for the x402 payer to tell a retry whose answer was lost:
   * `used` once a transferWithAuthorization of it is mined (`authorizationState(from, nonce)`);
   * `expired` when it is unused and the latest block is already past `validBefore`, so no block can
   * use it any more; `open` otherwise. The nonce is read at that very block: a node behind it (a
   * lagging replica behind one RPC address) cannot answer for it, rather than call a settled
   * authorization unused. Never throws: null for a chain or token not configured here, and when the
   * node does not answer.
   */
  async authorizationFate(
    chainId: number,
    asset: string,
    from: string,
    nonce: string,
    validBefore: bigint,
  ): Promise<AuthorizationFate | null> {
    const chain = this.chains.all().find((c) => c.id === chainId);
    const token = chain ? this.token(chain, asset) : null;
    if (!chain || !token) return null;
    try {
      const head = await chain.rpc.getLatestBlock();
      const used = await this.view(chain, token, 'authorizationState', [from, nonce], head.number);
      if (typeof used !== 'boolean') return null;
      if (used) return 'used';
      return BigInt(head.timestamp) >= validBefore ? 'expired' : 'open';
    } catch {
      return null;
    }
  }

  /**
   * Every check a settlement needs, without submitting: chain and token configured here, the announced
   * EIP-712 domain is the token's own, the signature recovers to `from`, `to` is the payee, value at
   * least the price, the time window open (with a margin for mining), the nonce unused on chain and in
   * OCP's records, and `from` holds the value. Errors: web3_not_configured (503), chain_error /
   * chain_unavailable (503).
   */
  async verify(request: AuthorizationToSettle): Promise<AuthorizationCheck> {
    const a = request.authorization;
    const payer = a.from;
    const refuse = (problem: AuthorizationProblem): AuthorizationCheck => ({ valid: false, payer, problem });
    this.chains.assertConfigured();
    const chain = this.chains.all().find((c) => c.id === request.chainId);
    if (!chain) return refuse('unknown_chain');
    const token = this.token(chain, request.asset);
    if (!token) return refuse('unknown_asset');
    if (authorizationSigner(chain.id, token, request.domain, a, request.signature) !== getAddress(a.from))
      return refuse('invalid_signature');
    if (!isAddress(request.payTo) || getAddress(a.to) !== getAddress(request.payTo.toLowerCase())) return refuse('recipient_mismatch');
    // OCP's gas settles only into the caller's own vaulted wallets, so one merchant's credentials
    // cannot spend it moving tokens to any address.
    const payee = await this.web3.findWalletByAddress(getAddress(a.to));
    if (!payee || !request.payeeOwnerIds.includes(payee.ownerId)) return refuse('payee_not_permitted');
    if (a.value < request.minValue || a.value <= 0n) return refuse('value_too_low');
    const nowS = BigInt(Math.floor(this.now().getTime() / 1000));
    if (a.validAfter > nowS) return refuse('not_yet_valid');
    if (a.validBefore < nowS + VALID_BEFORE_MARGIN_S) return refuse('expired');
    if (await this.settlements.findLive(chain.id, token, getAddress(a.from), a.nonce.toLowerCase())) return refuse('nonce_used');
    try {
      const [separator, used, balance] = await Promise.all([
        this.view(chain, token, 'DOMAIN_SEPARATOR', []),
        this.view(chain, token, 'authorizationState', [a.from, a.nonce]),
        this.view(chain, token, 'balanceOf', [a.from]),
      ]);
      if (separator !== domainSeparator(chain.id, token, request.domain)) return refuse('domain_mismatch');
      if (used === true) return refuse('nonce_used');
      if ((balance as bigint) < a.value) return refuse('insufficient_balance');
    } catch (error) {
      if (error instanceof ChainRejected) return refuse('unknown_asset');
      throw chainToAppError(error, 'read');
    }
    return { valid: true, payer };
  }

  /**
   * Verifies, then submits transferWithAuthorization from the gas key: in one database transaction the
   * gas key's nonce row is locked, the call is simulated (gas estimate), signed in the vault and recorded
   * with its (chain, asset, from, nonce) claimed; only after commit is it broadcast, then its receipt
   * awaited for up to the configured wait. A replay (the nonce already recorded) is refused without signing.
   * The nonce is the lowest one a rejected broadcast left free, else the next one. A broadcast the node
   * refuses outright fails the settlement (the authorization may be settled again); one whose fate is
   * unknown stays submitted for the reconciler. Errors: as verify.
   */
  async settle(request: AuthorizationToSettle): Promise<SettlementResult> {
    const checked = await this.verify(request);
    const payer = checked.payer;
    if (!checked.valid) return { status: 'refused', payer, problem: checked.problem };
    const chain = this.chains.get(request.chainId);
    const token = this.token(chain, request.asset)!;
    const gas = await this.gasWallet();
    let settlement: Eip3009Settlement;
    try {
      settlement = await this.db.transaction(async (tx) => {
        const stored = await this.web3.lockNonce(tx, chain.id, gas.address);
        // A nonce a rejected broadcast left unused comes first: later transactions wait behind it on chain.
        const freed = await this.settlements.takeFreeGasNonce(tx, chain.id, gas.id);
        const nonce = freed ?? Math.max(stored, await chain.rpc.getPendingNonce(gas.address));
        const call = { to: token, data: transferWithAuthorizationData(request.authorization, request.signature) };
        const signed = await this.vault.sign(gas.id, await buildContractCall(chain, gas.address, call, nonce), tx);
        const a = request.authorization;
        const now = this.now();
        const record: Eip3009Settlement = {
          id: newId('x3s'),
          chainId: chain.id,
          asset: token,
          from: getAddress(a.from),
          to: getAddress(a.to),
          value: a.value,
          authNonce: a.nonce.toLowerCase(),
          validBefore: a.validBefore,
          gasWalletId: gas.id,
          gasNonce: nonce,
          hash: signed.hash,
          rawTx: signed.raw,
          status: 'submitted',
          blockNumber: null,
          failureReason: null,
          createdAt: now,
          updatedAt: now,
        };
        if (!(await this.settlements.claim(tx, record))) throw new ReplayRefused();
        if (freed === null) await this.web3.setNextNonce(tx, chain.id, gas.address, nonce + 1);
        return record;
      });
    } catch (error) {
      if (error instanceof ReplayRefused) return { status: 'refused', payer, problem: 'nonce_used' };
      if (error instanceof InsufficientFunds) return { status: 'failed', payer, hash: null, reason: 'insufficient_gas' };
      // The node's gas estimate ran the call and it reverted: used meanwhile (a concurrent settle of
      // the same authorization got there first), or the balance is gone.
      if (error instanceof ChainRejected) {
        if (await this.usedMeanwhile(chain, token, request.authorization)) return { status: 'refused', payer, problem: 'nonce_used' };
        return { status: 'failed', payer, hash: null, reason: 'simulation_failed' };
      }
      throw error instanceof AppError ? error : chainToAppError(error, 'read');
    }
    const sent = await this.broadcasts.send(chain, settlement);
    if (!sent.sent && sent.rejected !== null) {
      return { status: 'failed', payer, hash: null, reason: sent.rejected === 'INSUFFICIENT_FUNDS' ? 'insufficient_gas' : 'rejected' };
    }
    const receipt = sent.sent ? await this.broadcasts.awaitReceipt(chain, settlement, this.receiptWaitMs) : null;
    if (receipt === 'success') return { status: 'settled', payer: settlement.from, hash: settlement.hash, value: settlement.value };
    if (receipt === 'reverted') return { status: 'failed', payer: settlement.from, hash: settlement.hash, reason: 'reverted' };
    return { status: 'pending', payer, hash: settlement.hash };
  }

  /** Finishes the settlements left open: see Eip3009Broadcasts.reconcile. Errors: the database's. */
  reconcile(): Promise<number> {
    return this.broadcasts.reconcile();
  }

  private async usedMeanwhile(chain: Chain, token: string, a: TransferAuthorization): Promise<boolean> {
    if (await this.settlements.findLive(chain.id, token, getAddress(a.from), a.nonce.toLowerCase())) return true;
    return (await this.view(chain, token, 'authorizationState', [a.from, a.nonce]).catch(() => false)) === true;
  }

  private token(chain: Chain, asset: string): string | null {
    if (!isAddress(asset)) return null;
    const address = getAddress(asset.toLowerCase());
    return chain.tokens.find((t) => t.address === address)?.address ?? null;
  }

  private async view(
    chain: Chain,
    token: string,
    fn: 'DOMAIN_SEPARATOR' | 'authorizationState' | 'balanceOf',
    args: unknown[],
    blockNumber?: number,
  ): Promise<unknown> {
    const raw = await chain.rpc.call(token, EIP3009_TOKEN.encodeFunctionData(fn, args), blockNumber);
    try {
      return EIP3009_TOKEN.decodeFunctionResult(fn, raw)[0];
    } catch {
      throw new ChainRejected(chain.id, 'BAD_DATA', `the token ${token} did not answer ${fn}() as an EIP-3009 token does`);
    }
  }

  /** Made on first use; two first uses at once: one insert wins and the other reads it. */
  private async gasWallet(): Promise<Web3Wallet> {
    const id = gasWalletId();
    const found = await this.web3.findWallet(id);
    if (found) return found;
    try {
      return await this.db.transaction(async (tx) => {
        const wallet: Web3Wallet = {
          id,
          ownerId: GAS_WALLET_OWNER,
          address: await this.vault.generate(tx, id),
          chainId: null,
          label: 'EIP-3009 settlement gas key',
          createdAt: this.now(),
        };
        await this.web3.insertWallet(tx, wallet);
        return wallet;
      });
    } catch (error) {
      const raced = await this.web3.findWallet(id);
      if (raced) return raced;
      throw error;
    }
  }
}
