import { createHash, randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-http-server';

interface Card {
  number: string;
  exp_month: number;
  exp_year: number;
}

/** Stripe's answer to a request whose Idempotency-Key another request, still executing, holds: nothing is saved. */
const KEY_IN_USE: FakeReply = {
  status: 409,
  body: {
    error: {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      message: 'There is currently another in-progress request using this Idempotent Key.',
    },
  },
};

const stripeId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

const cardError = (code: string, declineCode: string | undefined, intentId: string): FakeReply => ({
  status: 402,
  body: {
    error: {
      type: 'card_error',
      code,
      decline_code: declineCode,
      message: 'Your card was declined.',
      payment_intent: { id: intentId, status: 'requires_payment_method' },
    },
  },
});

/**
 * Speaks the subset of Stripe's form-encoded API the adapters use: payment methods (create,
 * retrieve, detach), payment intents with confirm=true decided by Stripe's test card numbers,
 * refunds, payouts (created pending; GET answers paid, or failed with Stripe's failure code for the
 * test bank accounts 000111111116 no_account and 000111111113 account_closed, as Stripe fails them
 * after creation; a payout above `state.payoutBalance` is refused with balance_insufficient), bank
 * account tokens, and Idempotency-Key replay (of refusals too, as Stripe saves any outcome of a request
 * that began executing; `forgetIdempotencyKeys` is Stripe's 24-hour expiry having passed); a request
 * whose key another request still executing holds gets 409 idempotency_key_in_use, as from Stripe.
 * `gate` holds payment intents until the test lets them go; `slowNext` makes one POST slow.
 *
 * Each argument is one Stripe account: its secret key, or its keys when it has rolled one. As in
 * Stripe, an account sees only its own objects and idempotency keys (another account's payment
 * method is resource_missing), and `requests` tells which key each call carried.
 */
export function fakeStripe(...accounts: [string | string[], ...(string | string[])[]]) {
  const accountByAuthorization = new Map<string, number>(
    accounts.flatMap((keys, account) => [keys].flat().map((key) => [`Bearer ${key}`, account] as const)),
  );
  const stores = accounts.map(() => ({
    methods: new Map<string, Card & { detached: boolean }>(),
    intents: new Map<string, { amount: number; refunded: number }>(),
    replies: new Map<string, FakeReply>(),
    // Bank accounts by ba_ id (their account number), and payouts by po_ id.
    bankAccounts: new Map<string, string>(),
    payouts: new Map<string, { amount: number; currency: string; destination: string }>(),
    /** Idempotency-Keys of requests still executing. */
    executing: new Set<string>(),
  }));
  const slowPaths = new Map<string, number>();
  type Store = (typeof stores)[number];
  const state = {
    gate: undefined as Promise<void> | undefined,
    intentsCreated: 0,
    /** Refunds that really ran (replays by Idempotency-Key excluded). */
    refundsCreated: 0,
    /** When set, refunds are refused as Stripe refuses one of a disputed charge. */
    refuseRefunds: false,
    /** Payouts that really ran (replays by Idempotency-Key excluded). */
    payoutsCreated: 0,
    /** What the Stripe balance can pay out in one payout. */
    payoutBalance: 1_000_000,
  };

  const payoutView = ({ payouts, bankAccounts }: Store, id: string) => {
    const p = payouts.get(id)!;
    const account = bankAccounts.get(p.destination) ?? '';
    const failureCode = account.endsWith('1116') ? 'no_account' : account.endsWith('1113') ? 'account_closed' : null;
    return {
      id,
      object: 'payout',
      amount: p.amount,
      currency: p.currency,
      destination: p.destination,
      method: 'standard',
      type: p.destination.startsWith('ba_') ? 'bank_account' : 'card',
      status: failureCode ? 'failed' : 'paid',
      failure_code: failureCode,
      failure_message: failureCode ? 'The bank account could not be paid.' : null,
      arrival_date: Math.floor(Date.now() / 1000),
    };
  };

  const pmView = (id: string, c: Card) => ({
    id,
    object: 'payment_method',
    type: 'card',
    card: {
      brand: c.number.startsWith('4') ? 'visa' : 'mastercard',
      last4: c.number.slice(-4),
      exp_month: c.exp_month,
      exp_year: c.exp_year,
      fingerprint: createHash('sha256').update(c.number).digest('hex').slice(0, 16),
    },
  });

  async function post(req: FakeRequest, store: Store): Promise<FakeReply> {
    const { methods, intents, bankAccounts, payouts } = store;
    const b = req.body as Record<string, string>;
    if (req.path === '/v1/payment_methods') {
      if (!/^\d{12,19}$/.test(b['card[number]'] ?? ''))
        return { status: 402, body: { error: { type: 'card_error', code: 'incorrect_number' } } };
      const id = stripeId('pm');
      const card = { number: b['card[number]']!, exp_month: Number(b['card[exp_month]']), exp_year: Number(b['card[exp_year]']) };
      methods.set(id, { ...card, detached: false });
      return { status: 200, body: pmView(id, card) };
    }
    const detach = /^\/v1\/payment_methods\/([^/]+)\/detach$/.exec(req.path);
    if (detach) {
      const pm = methods.get(detach[1]!);
      if (!pm) return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } };
      pm.detached = true;
      return { status: 200, body: pmView(detach[1]!, pm) };
    }
    if (req.path === '/v1/payment_intents') {
      await state.gate;
      state.intentsCreated += 1;
      const pm = methods.get(b.payment_method ?? '');
      if (!pm || pm.detached) return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } };
      const id = stripeId('pi');
      if (pm.number === '4000000000000002') return cardError('card_declined', 'generic_decline', id);
      if (pm.number === '4000000000009995') return cardError('card_declined', 'insufficient_funds', id);
      if (pm.number === '4000000000000119') return cardError('processing_error', undefined, id);
      intents.set(id, { amount: Number(b.amount), refunded: 0 });
      return {
        status: 200,
        body: {
          id,
          object: 'payment_intent',
          status: 'succeeded',
          amount: Number(b.amount),
          currency: b.currency,
          latest_charge: stripeId('ch'),
        },
      };
    }
    if (req.path === '/v1/refunds') {
      const intent = intents.get(b.payment_intent ?? '');
      const amount = Number(b.amount ?? intent?.amount);
      if (!intent || intent.refunded + amount > intent.amount)
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'charge_already_refunded' } } };
      if (state.refuseRefunds) return { status: 400, body: { error: { type: 'invalid_request_error', code: 'charge_disputed' } } };
      intent.refunded += amount;
      state.refundsCreated += 1;
      return { status: 200, body: { id: stripeId('re'), object: 'refund', status: 'succeeded', amount, payment_intent: b.payment_intent } };
    }
    if (req.path === '/v1/tokens') {
      const number = b['bank_account[account_number]'] ?? '';
      if (!/^\d{9}$/.test(b['bank_account[routing_number]'] ?? ''))
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', code: 'routing_number_invalid', param: 'bank_account[routing_number]' } },
        };
      const id = stripeId('ba');
      bankAccounts.set(id, number);
      return {
        status: 200,
        body: {
          id: stripeId('btok'),
          object: 'token',
          type: 'bank_account',
          used: false,
          bank_account: {
            id,
            object: 'bank_account',
            account_holder_name: b['bank_account[account_holder_name]'],
            bank_name: 'STRIPE TEST BANK',
            country: b['bank_account[country]'],
            currency: b['bank_account[currency]'],
            last4: number.slice(-4),
            routing_number: b['bank_account[routing_number]'],
            status: 'new',
          },
        },
      };
    }
    if (req.path === '/v1/payouts') {
      const destination = b.destination ?? '';
      if (!bankAccounts.has(destination) && !methods.has(destination))
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'destination' } } };
      if (Number(b.amount) > state.payoutBalance)
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'balance_insufficient' } } };
      state.payoutsCreated += 1;
      const id = stripeId('po');
      payouts.set(id, { amount: Number(b.amount), currency: b.currency ?? '', destination });
      return { status: 200, body: { ...payoutView(store, id), status: 'pending', failure_code: null, failure_message: null } };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } };
  }

  const server = new FakeHttpServer(async (req) => {
    const account = accountByAuthorization.get(req.headers.authorization ?? '');
    if (account === undefined) return { status: 401, body: { error: { type: 'invalid_request_error' } } };
    const store = stores[account]!;
    if (req.method === 'GET' && req.path.startsWith('/v1/payouts/')) {
      const id = req.path.slice('/v1/payouts/'.length);
      return store.payouts.has(id)
        ? { status: 200, body: payoutView(store, id) }
        : { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } };
    }
    if (req.method === 'GET') {
      const id = /^\/v1\/payment_methods\/([^/]+)$/.exec(req.path)?.[1];
      const pm = id ? store.methods.get(id) : undefined;
      return pm && !pm.detached
        ? { status: 200, body: pmView(id!, pm) }
        : { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } };
    }
    const key = req.headers['idempotency-key'] as string | undefined;
    const replay = key ? store.replies.get(key) : undefined;
    if (replay) return replay;
    if (key && store.executing.has(key)) return KEY_IN_USE;
    if (key) store.executing.add(key);
    try {
      const delay = slowPaths.get(req.path);
      if (delay !== undefined) {
        slowPaths.delete(req.path);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      const reply = await post(req, store);
      if (key) store.replies.set(key, reply);
      return reply;
    } finally {
      if (key) store.executing.delete(key);
    }
  });
  /** The next POST to `path` runs for `ms` before it answers, its Idempotency-Key held meanwhile. */
  const slowNext = (path: string, ms: number) => void slowPaths.set(path, ms);
  /** What has been refunded of a payment intent so far. */
  const refundedOf = (intentId: string) => stores.find((store) => store.intents.has(intentId))?.intents.get(intentId)?.refunded ?? 0;
  /** As if 24 hours had passed: Stripe no longer replays what it answered under earlier keys. */
  const forgetIdempotencyKeys = () => stores.forEach((store) => store.replies.clear());
  return Object.assign(server, { state, refundedOf, forgetIdempotencyKeys, slowNext });
}
