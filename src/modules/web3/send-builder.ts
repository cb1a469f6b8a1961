import { Interface } from 'ethers';
import { InsufficientFunds } from '../../shared/errors';
import type { Asset, Chain } from './chain-registry';
import { ChainRejected, maxGasPrice } from './evm-rpc';
import type { UnsignedEvmTx } from './vault/key-vault';

export const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);

// Estimates are exact for the state they ran on; a little headroom keeps a send that lands a block
// later from running out of gas. Unused gas is refunded, so it costs nothing.
const GAS_HEADROOM_PERCENT = 20n;

/** The call a send makes: value to the recipient, or an ERC-20 transfer() on the token contract. */
export function sendCall(asset: Asset, to: string, amount: bigint): { to: string; value: bigint; data: string } {
  return asset.kind === 'native'
    ? { to, value: amount, data: '0x' }
    : { to: asset.address, value: 0n, data: ERC20.encodeFunctionData('transfer', [to, amount]) };
}

/** A view call on a token contract. A reply that is not the ABI's (no contract there) is a ChainRejected. */
async function tokenView(chain: Chain, token: string, fn: 'balanceOf' | 'decimals', args: unknown[]): Promise<unknown> {
  const raw = await chain.rpc.call(token, ERC20.encodeFunctionData(fn, args));
  try {
    return ERC20.decodeFunctionResult(fn, raw)[0];
  } catch {
    throw new ChainRejected(chain.id, 'BAD_DATA', `the token ${token} did not answer ${fn}() as an ERC-20 does`);
  }
}

export async function tokenBalance(chain: Chain, token: string, owner: string): Promise<bigint> {
  return (await tokenView(chain, token, 'balanceOf', [owner])) as bigint;
}

export async function tokenDecimals(chain: Chain, token: string): Promise<number> {
  return Number(await tokenView(chain, token, 'decimals', []));
}

/**
 * A contract call from `from` at `nonce`, value 0: gas estimate (which runs the call, so a call that
 * would revert is refused here by the node, before anything is signed) and fees, after checking that
 * `from` can pay the most the gas can cost. Errors: insufficient_funds (422), and the RPC port's.
 */
export async function buildContractCall(
  chain: Chain,
  from: string,
  call: { to: string; data: string },
  nonce: number,
): Promise<UnsignedEvmTx> {
  const estimate = await chain.rpc.estimateGas({ from, to: call.to, value: 0n, data: call.data });
  const gasLimit = estimate + (estimate * GAS_HEADROOM_PERCENT) / 100n;
  const fees = await chain.rpc.getFees();
  const native = await chain.rpc.getBalance(from, 'pending');
  const required = gasLimit * maxGasPrice(fees);
  if (native < required) {
    throw new InsufficientFunds(`The gas key cannot pay the gas on chain ${chain.id}`, {
      asset: chain.nativeSymbol,
      available: native.toString(),
      required: required.toString(),
    });
  }
  return { chainId: chain.id, nonce, gasLimit, fees, to: call.to, value: 0n, data: call.data };
}

/**
 * Builds the transaction for a send at `nonce`: gas estimate, EIP-1559 fees (legacy gas price on
 * chains without a base fee), after checking that `from` can pay the amount and the most the gas
 * can cost. Errors: insufficient_funds (422), and the RPC port's.
 */
export async function buildSend(
  chain: Chain,
  from: string,
  asset: Asset,
  to: string,
  amount: bigint,
  nonce: number,
): Promise<UnsignedEvmTx> {
  const call = sendCall(asset, to, amount);
  const native = await chain.rpc.getBalance(from, 'pending');
  const held = asset.kind === 'native' ? native : await tokenBalance(chain, asset.address, from);
  if (held < amount) {
    throw new InsufficientFunds(`The wallet holds ${held} of ${asset.symbol} on chain ${chain.id}, less than the ${amount} to send`, {
      asset: asset.symbol,
      available: held.toString(),
      required: amount.toString(),
    });
  }
  const estimate = await chain.rpc.estimateGas({ from, ...call });
  const gasLimit = estimate + (estimate * GAS_HEADROOM_PERCENT) / 100n;
  const fees = await chain.rpc.getFees();
  const required = call.value + gasLimit * maxGasPrice(fees);
  if (native < required) {
    throw new InsufficientFunds(`The wallet cannot pay the amount plus gas on chain ${chain.id}`, {
      asset: chain.nativeSymbol,
      available: native.toString(),
      required: required.toString(),
    });
  }
  return { chainId: chain.id, nonce, gasLimit, fees, ...call };
}
