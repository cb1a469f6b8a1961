import type { Principal } from '../../../shared/principal';
import type { Cache } from '../../../infra/cache/cache';
import { newId } from '../../../infra/crypto/ids';
import { Conflict, NotFound, Unprocessable, ValidationFailed } from '../../../shared/errors';
import type { Wallet } from '../../wallet';
import type { PaymentMethod } from '../payment-method';

export type { PaymentMethod };

export interface PaymentSession {
  id: string;
  method: PaymentMethod;
  /** The caller who opened it: only they may use it. */
  ownerId: string;
  walletId: string;
  amount: bigint;
  currency: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What the session service needs of wallets: the access-checked read (owner or service, else 404). */
export interface WalletLookup {
  get(principal: Principal, id: string): Promise<Wallet>;
}

export interface NewPaymentSession {
  walletId: string;
  amount: bigint;
  currency: string;
}

const SESSION_KEY = (id: string) => `payment-session:${id}`;
const USED_KEY = (id: string) => `payment-session-used:${id}`;

/**
 * Mobile-wallet payment sessions, kept in the cache with a TTL (15 minutes by default). A session
 * binds the caller, the wallet, the amount and the currency; it can be claimed once.
 */
export class PaymentSessionService {
  constructor(
    private readonly cache: Cache,
    private readonly wallets: WalletLookup,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Errors: wallet_not_found (404), wallet_not_active (409), currency_mismatch (400). */
  async create(principal: Principal, method: PaymentMethod, input: NewPaymentSession): Promise<PaymentSession> {
    const wallet = await this.wallets.get(principal, input.walletId);
    if (wallet.status !== 'active') throw new Conflict('wallet_not_active', 'A frozen or closed wallet cannot be funded');
    if (wallet.currency !== input.currency) {
      throw new ValidationFailed(`The wallet holds ${wallet.currency}, not ${input.currency}`, undefined, 'currency_mismatch');
    }
    const createdAtMs = this.now();
    const session: PaymentSession = {
      id: newId('pses'),
      method,
      ownerId: principal.sub,
      walletId: wallet.id,
      amount: input.amount,
      currency: input.currency,
      createdAt: new Date(createdAtMs),
      expiresAt: new Date(createdAtMs + this.ttlMs),
    };
    await this.cache.set(SESSION_KEY(session.id), serialize(session), this.ttlMs);
    return session;
  }

  /**
   * A live session of this caller and method. Someone else's session is reported as missing.
   * Errors: payment_session_not_found (404, also when expired), payment_session_used (409).
   */
  async get(principal: Principal, method: PaymentMethod, id: string): Promise<PaymentSession> {
    const stored = await this.cache.get(SESSION_KEY(id));
    const session = stored ? deserialize(stored) : undefined;
    if (!session || session.method !== method || session.ownerId !== principal.sub || session.expiresAt.getTime() <= this.now()) {
      throw new NotFound('The payment session does not exist or has expired', 'payment_session_not_found');
    }
    if (await this.cache.get(USED_KEY(id))) throw usedError();
    return session;
  }

  /**
   * Takes the session for one payment. Exactly one of any number of concurrent claims wins (an
   * atomic set-if-absent), so a replayed payment cannot be processed twice.
   * Errors: payment_session_not_found (404), payment_session_used (409), payment_session_mismatch (422).
   */
  async claim(principal: Principal, method: PaymentMethod, id: string, expected?: Partial<NewPaymentSession>): Promise<PaymentSession> {
    const session = await this.get(principal, method, id);
    const mismatch = (['walletId', 'amount', 'currency'] as const).filter(
      (field) => expected?.[field] !== undefined && expected[field] !== session[field],
    );
    if (mismatch.length > 0) {
      throw new Unprocessable('payment_session_mismatch', `The payment does not match its session: ${mismatch.join(', ')}`, {
        fields: mismatch,
      });
    }
    // The marker outlives the session record, so a claimed session never becomes claimable again.
    if (!(await this.cache.setIfAbsent(USED_KEY(id), principal.sub, this.ttlMs))) throw usedError();
    return session;
  }

  /**
   * Gives a claimed session back, for a payment that failed before anything was charged (payment data
   * the token provider refused, a provider that was down), so the payer can try again.
   */
  async release(id: string): Promise<void> {
    await this.cache.delete(USED_KEY(id));
  }
}

const usedError = () => new Conflict('payment_session_used', 'The payment session has already been used');

function serialize(session: PaymentSession): string {
  return JSON.stringify({ ...session, amount: session.amount.toString() });
}

function deserialize(text: string): PaymentSession | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, string>;
    return {
      id: String(raw.id),
      method: raw.method as PaymentMethod,
      ownerId: String(raw.ownerId),
      walletId: String(raw.walletId),
      amount: BigInt(String(raw.amount)),
      currency: String(raw.currency),
      createdAt: new Date(String(raw.createdAt)),
      expiresAt: new Date(String(raw.expiresAt)),
    };
  } catch {
    return undefined;
  }
}
