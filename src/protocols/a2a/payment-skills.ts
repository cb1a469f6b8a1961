import { createHash } from 'node:crypto';
import { newId } from '../../infra/crypto/ids';
import type { AgentModule } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import { Conflict, NotFound, ValidationFailed } from '../../shared/errors';
import type { OcpCaller } from './caller';
import { endpointPath, SKILLS, type CardSettings } from './agent-card';
import type { PaymentRequestRecords } from './ports';
import type { SkillInput } from './skill-input';

/** How long a payment request can be settled. */
const PAYMENT_REQUEST_TTL_MS = 7 * 86_400_000;
/** Recent payments shown by balance-and-history when the caller gives no limit. */
const HISTORY_DEFAULT = 10;

type Payments = Pick<AgentModule['payments'], 'pay' | 'whoAmI' | 'listPayments'>;
type Agents = Pick<AgentModule['agents'], 'boundWallet'>;
type Idempotency = Pick<IdempotencyService, 'storedReply' | 'claim'>;
type Payment = Awaited<ReturnType<Payments['pay']>>;
type ReceiveInput = Extract<SkillInput, { skill: 'receive-payment' }>['input'];
type RequestInput = Extract<SkillInput, { skill: 'request-payment' }>['input'];

/** What a skill answers: the task's final state, its artifact, and the words of its status message. */
export interface SkillOutcome {
  state: 'completed' | 'auth-required';
  text: string;
  artifact: { name: string; description: string; data: Record<string, unknown> };
  /** The agent payment made or waiting for the owner, kept with the task. */
  paymentId?: string;
}

/** The receipt of a payment, as stored for replays and put in the payment-receipt artifact. */
export function receiptOf(p: Payment, requestId: string | undefined) {
  return {
    paymentId: p.id,
    status: p.status,
    transferId: p.transferId,
    amount: p.amount.toString(),
    currency: p.currency,
    from: p.agentId,
    to: p.toAgentId,
    memo: p.memo,
    ...(requestId ? { requestId } : {}),
    ...(p.expiresAt && p.status === 'pending_approval' ? { approvalExpiresAt: p.expiresAt.toISOString() } : {}),
    createdAt: p.createdAt.toISOString(),
  };
}
type Receipt = ReturnType<typeof receiptOf>;

function receiptOutcome(receipt: Receipt, replayed: boolean): SkillOutcome {
  const waiting = receipt.status === 'pending_approval';
  const text = waiting
    ? `Payment ${receipt.paymentId} of ${receipt.amount} ${receipt.currency} (minor units) waits for the paying agent's owner to approve it; nothing has moved yet.`
    : `Paid ${receipt.amount} ${receipt.currency} (minor units) to ${receipt.to}: payment ${receipt.paymentId}, transfer ${receipt.transferId}.`;
  return {
    state: waiting ? 'auth-required' : 'completed',
    text: replayed ? `${text} (replay of an earlier message with this messageId: nothing moved again)` : text,
    artifact: { name: 'payment-receipt', description: 'The OCP agent payment this message made', data: { ...receipt, replayed } },
    paymentId: receipt.paymentId,
  };
}

/**
 * The skills of an OCP agent's A2A card, over the agent payment service: the same policy, budgets,
 * mandates, approvals, idempotency and ledger posting as POST /api/v1/a2a/transfers.
 */
export class PaymentSkills {
  constructor(
    private readonly payments: Payments,
    private readonly agents: Agents,
    private readonly idempotency: Idempotency,
    private readonly requests: PaymentRequestRecords,
    private readonly card: CardSettings,
  ) {}

  run(caller: OcpCaller, messageId: string, call: SkillInput): Promise<SkillOutcome> {
    switch (call.skill) {
      case SKILLS.receivePayment:
        return this.receivePayment(caller, messageId, call.input);
      case SKILLS.requestPayment:
        return this.requestPayment(caller, call.input);
      case SKILLS.balance:
        return this.balance(caller, call.input.limit ?? HISTORY_DEFAULT);
    }
  }

  /**
   * The caller pays the card's agent. The A2A messageId is the idempotency key (`a2a:<messageId>`,
   * scoped to the caller like an Idempotency-Key header): a replayed message answers the first
   * receipt and moves nothing. Settling a payment request marks it paid in the payment's own
   * transaction, so it pays once.
   * Errors: those of AgentPaymentService.pay, payment_request_not_found (404),
   * payment_request_settled / payment_request_expired (409), idempotency_conflict (422), validation_failed (400),
   * idempotency_in_flight (409).
   */
  async receivePayment(caller: OcpCaller, messageId: string, input: ReceiveInput): Promise<SkillOutcome> {
    // The key's rules are an Idempotency-Key header's: 1 to 255 printable ASCII characters.
    if (!/^[\x21-\x7e]{1,251}$/.test(messageId)) {
      throw new ValidationFailed("messageId must be 1 to 251 printable ASCII characters: it is the payment's idempotency key", {
        fields: [{ field: 'message.messageId', message: 'must be 1 to 251 printable ASCII characters' }],
      });
    }
    const to = caller.targetAgentId;
    const requested = 'requestId' in input ? await this.openRequest(input.requestId, to) : undefined;
    const amount = requested?.amount ?? ('amount' in input ? input.amount : 0n);
    const currency = requested?.currency ?? ('currency' in input ? input.currency : '');
    const memo = requested ? (requested.memo ?? `payment request ${requested.id}`) : 'memo' in input ? input.memo : undefined;
    const request = {
      to: { agentId: to },
      amount,
      currency,
      source: 'a2a',
      ...(memo ? { memo } : {}),
      ...(input.mandate ? { mandate: input.mandate } : {}),
      ...(requested ? { reference: requested.id } : {}),
    };
    const scope = caller.principal.sub;
    const key = `a2a:${messageId}`;
    const hash = createHash('sha256')
      .update(
        JSON.stringify([
          'a2a.receive-payment',
          to,
          amount.toString(),
          currency,
          memo ?? null,
          input.mandate ?? null,
          requested?.id ?? null,
        ]),
      )
      .digest('hex');
    const stored = await this.idempotency.storedReply(scope, key, hash);
    if (stored) return receiptOutcome(JSON.parse(stored.body) as Receipt, true);
    const claim = await this.idempotency.claim(scope, key, hash);
    try {
      const payment = await this.payments.pay(caller.principal, request, async (tx, p) => {
        if (requested && p.status === 'completed') {
          const paid = await this.requests.markPaid(tx, requested.id, { payerAgentId: p.agentId, paymentId: p.id, at: p.createdAt });
          if (!paid) throw new Conflict('payment_request_settled', 'The payment request is no longer open: it was paid or has expired');
        }
        await claim.persist(tx, { status: 200, body: JSON.stringify(receiptOf(p, requested?.id)) });
      });
      return receiptOutcome(receiptOf(payment, requested?.id), false);
    } finally {
      await claim.release();
    }
  }

  /**
   * A payment request payable to the calling agent, for another agent to settle through the
   * caller's receive-payment skill with its requestId (or, unlinked, through REST). Errors: none of its own.
   */
  async requestPayment(caller: OcpCaller, input: RequestInput): Promise<SkillOutcome> {
    const now = Date.now();
    const r = await this.requests.insert({
      id: newId('preq'),
      payeeAgentId: caller.agentId,
      amount: input.amount,
      currency: input.currency,
      memo: input.memo ?? null,
      expiresAt: new Date(now + PAYMENT_REQUEST_TTL_MS),
    });
    const base = this.card.publicBaseUrl;
    const data = {
      requestId: r.id,
      status: r.status,
      amount: r.amount.toString(),
      currency: r.currency,
      memo: r.memo,
      payTo: {
        agentId: r.payeeAgentId,
        agentCardUrl: `${base}${endpointPath(r.payeeAgentId)}/.well-known/agent-card.json`,
        a2aUrl: `${base}${endpointPath(r.payeeAgentId)}`,
      },
      settle: { skill: SKILLS.receivePayment, data: { skill: SKILLS.receivePayment, requestId: r.id } },
      expiresAt: r.expiresAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    };
    return {
      state: 'completed',
      text: `Payment request ${r.id}: ${data.amount} ${r.currency} (minor units) to agent ${r.payeeAgentId}, payable until ${data.expiresAt}.`,
      artifact: { name: 'payment-request', description: 'A payable request: send settle.data to payTo.a2aUrl', data },
    };
  }

  /** The calling agent's own balance, spending so far and recent payments. Errors: agent_only / agent_suspended_or_revoked (403). */
  async balance(caller: OcpCaller, limit: number): Promise<SkillOutcome> {
    const { wallet } = await this.agents.boundWallet(caller.principal);
    const { spent } = await this.payments.whoAmI(caller.principal);
    const page = await this.payments.listPayments(caller.principal, limit);
    const data = {
      agentId: caller.agentId,
      walletId: wallet.id,
      balance: wallet.balance.toString(),
      currency: wallet.currency,
      spent: { day: spent.day.toString(), month: spent.month.toString() },
      payments: page.data.map((p) => receiptOf(p, undefined)),
    };
    return {
      state: 'completed',
      text: `Balance ${data.balance} ${data.currency} (minor units); ${data.payments.length} recent payment(s).`,
      artifact: { name: 'balance', description: "The calling agent's wallet balance and recent payments", data },
    };
  }

  private async openRequest(id: string, payeeAgentId: string) {
    const r = await this.requests.find(id);
    if (!r || r.payeeAgentId !== payeeAgentId) throw new NotFound('Payment request not found', 'payment_request_not_found');
    if (r.status === 'paid') throw new Conflict('payment_request_settled', 'The payment request is already paid');
    if (r.expiresAt.getTime() <= Date.now()) throw new Conflict('payment_request_expired', 'The payment request has expired');
    return r;
  }
}
