import { z } from 'zod';
import type { PaymentRequired, PaymentRequirements } from '@x402/core/types';
import { Unprocessable } from '../../shared/errors';
import { x402ClientSdk } from './x402-client-sdk';

export const EVM_NETWORK = /^eip155:([1-9]\d{0,15})$/;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/**
 * The longest OCP lets an authorization it signs stay valid (`maxTimeoutSeconds`): x402 servers ask
 * a minute or a few. A longer one could be cashed long after the agent is suspended, and a payment
 * whose answer was lost would stay unresolved, its budget spent, for as long.
 */
const AUTHORIZATION_SECONDS_MAX = 3600;

/** What the challenge must be before anything of it is read: the SDK's decoder only parses JSON. */
const challengeShape = z.looseObject({ x402Version: z.number(), accepts: z.array(z.unknown()).max(64) });

/** A requirement OCP can sign for: `exact` EIP-3009, the token's EIP-712 domain named, a bounded window. */
const signableRequirement = z.looseObject({
  scheme: z.literal('exact'),
  network: z.string().regex(EVM_NETWORK),
  amount: z.string().regex(/^\d{1,78}$/),
  asset: z.string().regex(EVM_ADDRESS),
  payTo: z.string().regex(EVM_ADDRESS),
  maxTimeoutSeconds: z.number().int().positive().max(AUTHORIZATION_SECONDS_MAX),
  extra: z.looseObject({
    name: z.string().min(1).max(256),
    version: z.string().min(1).max(64),
    assetTransferMethod: z.literal('eip3009').optional(),
    paymentFlow: z.literal('authorization').optional(),
  }),
});

/** The x402 v2 challenge of a 402 answer. Errors: x402_not_a_challenge (422). */
export function readChallenge(response: { headers: Record<string, string>; body: string }): PaymentRequired {
  let body: unknown;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    body = undefined;
  }
  const { x402Client, x402HTTPClient } = x402ClientSdk();
  const notAChallenge = () => new Unprocessable('x402_not_a_challenge', 'The URL answered 402 without an x402 payment challenge');
  let challenge: unknown;
  try {
    challenge = new x402HTTPClient(new x402Client()).getPaymentRequiredResponse((name) => response.headers[name.toLowerCase()], body);
  } catch {
    throw notAChallenge();
  }
  if (!challengeShape.safeParse(challenge).success) throw notAChallenge();
  return challenge as PaymentRequired;
}

/** The first requirement OCP can meet (`assets`: the chains and tokens configured here); among those too dear, none is taken. */
export function chooseRequirement(
  challenge: PaymentRequired,
  maxAmount: bigint,
  assets: { chainId: number; tokens: { address: string }[] }[],
): PaymentRequirements {
  const configured = new Map(assets.map((c) => [c.chainId, new Set(c.tokens.map((t) => t.address.toLowerCase()))]));
  const payable = challenge.accepts.filter((r: unknown): r is PaymentRequirements => {
    if (challenge.x402Version !== 2 || !signableRequirement.safeParse(r).success) return false;
    const { network, asset } = r as PaymentRequirements;
    const chain = EVM_NETWORK.exec(network)!;
    return configured.get(Number(chain[1]))?.has(asset.toLowerCase()) === true;
  });
  if (payable.length === 0)
    throw new Unprocessable(
      'x402_no_payable_requirement',
      `No requirement of the challenge is one OCP can pay (exact EIP-3009 in a configured EVM token, its EIP-712 domain named, valid at most ${AUTHORIZATION_SECONDS_MAX} s)`,
    );
  const affordable = payable.find((r) => BigInt(r.amount) <= maxAmount);
  if (!affordable) {
    throw new Unprocessable('x402_above_max_amount', 'Every payable requirement asks more than maxAmount', {
      asked: payable.map((r) => r.amount),
    });
  }
  return affordable;
}

/** The settlement hash of a PAYMENT-RESPONSE header, when it names one. */
export function settlementHash(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const transaction = x402ClientSdk().decodePaymentResponseHeader(header).transaction;
    return /^0x[0-9a-fA-F]{64}$/.test(transaction) ? transaction : null;
  } catch {
    return null;
  }
}
