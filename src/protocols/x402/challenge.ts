import { isAddress } from 'ethers';
import type { PaymentRequired, PaymentRequirements } from '@x402/core/types';
import { Unprocessable } from '../../shared/errors';
import { x402ClientSdk } from './x402-client-sdk';

export const EVM_NETWORK = /^eip155:([1-9]\d{0,15})$/;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The x402 v2 challenge of a 402 answer. Errors: x402_not_a_challenge (422). */
export function readChallenge(response: { headers: Record<string, string>; body: string }): PaymentRequired {
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

/** The first requirement OCP can meet (`assets`: the chains and tokens configured here); among those too dear, none is taken. */
export function chooseRequirement(
  challenge: PaymentRequired,
  maxAmount: bigint,
  assets: { chainId: number; tokens: { address: string }[] }[],
): PaymentRequirements {
  const configured = new Map(assets.map((c) => [c.chainId, new Set(c.tokens.map((t) => t.address.toLowerCase()))]));
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
