import type { z } from 'zod';
import type { Principal } from '../../../shared/principal';
import { AppError, Forbidden, ValidationFailed } from '../../../shared/errors';
import { decimalToMinor } from '../../../shared/money/money';
import type { AgentPayment } from '../agent-payment.repository';
import type { AgentPaymentService, Payee, PersistPayment } from '../agent-payment.service';
import { checkoutProblems, checkoutTotal } from './ucp.checkout';
import { OCP_HANDLER_ID, UCP_VERSION, type checkoutPayBody, type intentBody, type UcpCheckout, type UcpMessage } from './ucp.schemas';

export type CheckoutPayment = z.infer<typeof checkoutPayBody>;
export type Intent = z.infer<typeof intentBody>;

export type CheckoutOutcome =
  | { kind: 'completed' | 'pending_approval'; checkout: Record<string, unknown>; payment: AgentPayment }
  | { kind: 'refused'; checkout: Record<string, unknown> };

/** Errors that are the checkout's or the policy's answer, told to the platform as UCP messages. */
const TOLD_AS_MESSAGES = new Set<AppError['kind']>(['validation', 'conflict', 'unprocessable', 'insufficient_funds', 'policy_violation']);

/** OCP as the payment side of UCP: an agent pays a merchant's checkout under its owner's policy. */
export class UcpService {
  constructor(private readonly payments: AgentPaymentService) {}

  /**
   * Checks the checkout (totals, status, expiry, an OCP instrument) and pays its total from the
   * agent's wallet. A refusal comes back as the checkout with UCP `messages[]`, nothing paid.
   * Errors thrown (not told as messages): agent_only / agent_suspended_or_revoked (403), agent_not_found /
   * wallet_not_found (404).
   */
  async payCheckout(
    principal: Principal,
    body: CheckoutPayment,
    persist: (tx: Parameters<PersistPayment>[0], o: CheckoutOutcome) => Promise<void>,
  ): Promise<CheckoutOutcome> {
    const { checkout, payee, mandate } = body;
    const problems = checkoutProblems(checkout, new Date());
    if (!checkout.payment.instruments.some((i) => i.handler_id === OCP_HANDLER_ID)) {
      problems.push({
        type: 'error',
        code: 'payment_handler_unsupported',
        path: '$.payment.instruments',
        content: `No instrument uses the "${OCP_HANDLER_ID}" handler`,
        severity: 'requires_buyer_input',
      });
    }
    if (problems.length > 0) return refused(checkout, problems);
    const to: Payee = 'agent_id' in payee ? { agentId: payee.agent_id } : { merchantId: payee.merchant_id, walletId: payee.wallet_id };
    const request = {
      to,
      amount: checkoutTotal(checkout),
      currency: checkout.currency,
      source: 'ucp_checkout',
      reference: checkout.id,
      memo: `UCP checkout ${checkout.id}`,
      ...(mandate ? { mandate } : {}),
    };
    try {
      const payment = await this.payments.pay(principal, request, (tx, p) => persist(tx, outcome(checkout, p)));
      return outcome(checkout, payment);
    } catch (error) {
      if (!(error instanceof AppError) || !TOLD_AS_MESSAGES.has(error.kind)) throw error;
      const rule = (error.details as { rule?: string } | undefined)?.rule;
      return refused(checkout, [
        {
          type: 'error',
          code: error.code,
          severity: 'requires_buyer_input',
          content: rule ? `${error.message} (rule ${rule})` : error.message,
        },
      ]);
    }
  }

  /**
   * The compact intent payload: `value` in major units, converted exactly by the currency's
   * exponent. Errors: validation_failed (400: too many decimals, not positive), sender_mismatch
   * (403), and those of AgentPaymentService.pay.
   */
  async processIntent(principal: Principal, body: Intent, persist: PersistPayment): Promise<AgentPayment> {
    if (body.sender.agent_id !== principal.sub) {
      throw new Forbidden('sender.agent_id must be the calling agent', 'sender_mismatch');
    }
    const amount = toMinor(body.amount.value, body.amount.currency);
    const to: Payee = 'agent_id' in body.recipient ? { agentId: body.recipient.agent_id } : { walletId: body.recipient.wallet_id };
    return this.payments.pay(
      principal,
      { to, amount, currency: body.amount.currency, source: 'ucp_intent', ...(body.memo ? { memo: body.memo } : {}) },
      persist,
    );
  }
}

function toMinor(value: string, currency: string): bigint {
  const text = value.trim();
  let minor: bigint;
  try {
    minor = decimalToMinor(text, currency);
  } catch (error) {
    throw invalidValue(error instanceof Error ? error.message : 'is not a decimal amount');
  }
  if (minor <= 0n) throw invalidValue('must be above zero');
  return minor;
}

const invalidValue = (message: string) =>
  new ValidationFailed(`Invalid request: body.amount.value: ${message}`, { fields: [{ field: 'body.amount.value', message }] });

function outcome(checkout: UcpCheckout, payment: AgentPayment): CheckoutOutcome {
  if (payment.status !== 'completed') {
    const messages: UcpMessage[] = [{ type: 'info', code: 'pending_approval', content: "Waiting for the agent owner's approval" }];
    return {
      kind: 'pending_approval',
      payment,
      checkout: {
        ...checkout,
        ucp: { ...checkout.ucp, version: UCP_VERSION, status: 'success' },
        status: 'complete_in_progress',
        messages,
      },
    };
  }
  return {
    kind: 'completed',
    payment,
    checkout: {
      ...checkout,
      ucp: { ...checkout.ucp, version: UCP_VERSION, status: 'success' },
      status: 'completed',
      order: { id: payment.id, permalink_url: `urn:ocp:agent-payment:${payment.id}` },
      messages: [],
    },
  };
}

function refused(checkout: UcpCheckout, messages: UcpMessage[]): CheckoutOutcome {
  return { kind: 'refused', checkout: { ...checkout, ucp: { ...checkout.ucp, version: UCP_VERSION, status: 'error' }, messages } };
}
