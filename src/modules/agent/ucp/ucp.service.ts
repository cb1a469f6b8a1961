import type { z } from 'zod';
import type { Principal } from '../../../shared/principal';
import { Forbidden, ValidationFailed } from '../../../shared/errors';
import { decimalToMinor } from '../../../shared/money/money';
import type { AgentPayment } from '../agent-payment.repository';
import type { AgentPaymentService, Payee } from '../agent-payment.service';
import type { PersistPayment } from '../payment-decisions';
import type { intentBody } from './ucp.schemas';

export type Intent = z.infer<typeof intentBody>;

/** The compact intent payload of older OCP clients: an agent pays under its owner's policy. */
export class UcpService {
  constructor(private readonly payments: AgentPaymentService) {}

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
