import type { EventFanout } from '../../infra/pubsub/event-fanout';
import type { DomainEvent } from '../../shared/events';
import { need } from './access';
import type { GraphqlContext } from './context';

/** The most events a slow subscriber has waiting; older ones are dropped (it is told nothing: best effort). */
const QUEUE_MAX = 1_000;

export const TRANSFER_EVENT_TYPES = new Set(['transfer.completed', 'refund.completed']);
export const AGENT_DECISION_TYPES = new Set([
  'agent.payment.completed',
  'agent.payment.refused',
  'agent.approval.requested',
  'agent.approval.declined',
  'agent.approval.expired',
]);
/** What the subscriptions need from the EventBus: the rest never leaves the process. */
export const FANNED_OUT_TYPES = new Set(['balance.changed', ...TRANSFER_EVENT_TYPES, ...AGENT_DECISION_TYPES]);

type Args = Record<string, unknown>;

/**
 * The events `pick` turns into a payload (undefined: not this subscriber's), as an async iterator
 * that graphql-js drains; returning it (the client's complete, a closed socket) unsubscribes.
 */
export function eventStream(fanout: EventFanout, pick: (event: DomainEvent) => unknown): AsyncIterableIterator<unknown> {
  const queue: unknown[] = [];
  let waiting: ((result: IteratorResult<unknown>) => void) | null = null;
  let done = false;
  const unsubscribe = fanout.subscribe((event) => {
    const payload = pick(event);
    if (payload === undefined || done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: payload, done: false });
      return;
    }
    queue.push(payload);
    if (queue.length > QUEUE_MAX) queue.shift();
  });
  const finish = (): Promise<IteratorResult<unknown>> => {
    done = true;
    unsubscribe();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function fanoutOf(context: GraphqlContext): EventFanout {
  if (!context.fanout) throw new Error('subscriptions run over the WebSocket server only');
  return context.fanout;
}

const str = (value: unknown) => (typeof value === 'string' ? value : null);

export const subscriptionResolvers = {
  balanceChanged: {
    subscribe: async (_p: never, args: Args, context: GraphqlContext) => {
      const { principal, services } = context;
      need(principal, 'wallet:read');
      // Authorized once, here: wallet_not_found for another user's wallet, as GET /wallets/{id}.
      const wallet = await services.wallets.get(principal, String(args.walletId));
      return eventStream(fanoutOf(context), (event) =>
        event.type === 'balance.changed' && event.ownerId === wallet.userId && event.data.walletId === wallet.id
          ? { eventId: event.id, ...event.data, occurredAt: event.occurredAt.toISOString() }
          : undefined,
      );
    },
    resolve: (payload: unknown) => payload,
  },
  transferEvents: {
    subscribe: async (_p: never, args: Args, context: GraphqlContext) => {
      const { principal, services } = context;
      need(principal, 'transaction:read');
      const wallet = await services.wallets.get(principal, String(args.walletId));
      return eventStream(fanoutOf(context), (event) => {
        if (!TRANSFER_EVENT_TYPES.has(event.type) || event.ownerId !== wallet.userId) return undefined;
        const d = event.data;
        if (d.fromWalletId !== wallet.id && d.toWalletId !== wallet.id) return undefined;
        return {
          eventId: event.id,
          type: event.type,
          transferId: d.transferId,
          transferType: d.type,
          amount: d.amount,
          currency: d.currency,
          fromWalletId: d.fromWalletId,
          toWalletId: d.toWalletId,
          refundOf: str(d.refundOf),
          occurredAt: event.occurredAt.toISOString(),
        };
      });
    },
    resolve: (payload: unknown) => payload,
  },
  agentDecisions: {
    subscribe: async (_p: never, _args: Args, context: GraphqlContext) => {
      const { principal } = context;
      need(principal, 'agent:manage');
      return eventStream(fanoutOf(context), (event) => {
        if (!AGENT_DECISION_TYPES.has(event.type) || event.ownerId !== principal.sub) return undefined;
        const d = event.data;
        return {
          eventId: event.id,
          type: event.type,
          paymentId: d.paymentId,
          agentId: d.agentId,
          status: d.status,
          amount: d.amount,
          currency: d.currency,
          code: str(d.code),
          rule: str(d.rule),
          occurredAt: event.occurredAt.toISOString(),
        };
      });
    },
    resolve: (payload: unknown) => payload,
  },
};
