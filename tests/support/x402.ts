import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract, type HDNodeWallet, type Wallet } from 'ethers';
import { registerExactEvmScheme } from '@x402/evm/exact/client';
import { wrapFetchWithPayment, x402Client } from '@x402/fetch';
import { createMerchantApp } from '../../examples/x402-merchant/app';
import type { X402EvmSigner } from '../../src/protocols/x402';
import type { Anvil } from './anvil';
import { committedBuild, deployContract } from './contracts';
import type { TestApp } from './test-app';

export const USDC_DOMAIN = { name: 'USD Coin', version: '2' };

/** Listens on 127.0.0.1 with the app; returns its base URL and a close. */
export async function listen(app: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** TestUsdc deployed by the dev account, with `mint`ed balances. */
export async function deployUsdc(anvil: Anvil) {
  const address = await deployContract('TestUsdc', anvil.devAccount);
  const token = new Contract(address, committedBuild('TestUsdc').abi, anvil.devAccount);
  return {
    address,
    balanceOf: (owner: string) => token.getFunction('balanceOf')(owner) as Promise<bigint>,
    authorizationState: (owner: string, nonce: string) => token.getFunction('authorizationState')(owner, nonce) as Promise<boolean>,
    mint: async (to: string, value: bigint) => {
      await (await token.getFunction('mint')(to, value)).wait();
    },
  };
}

/** The example merchant server (examples/x402-merchant) with OCP as facilitator, listening; `GET /weather` costs `amount`. */
export async function startResourceServer(options: {
  facilitatorUrl: string;
  auth: Record<string, string>;
  network: `eip155:${number}`;
  asset: string;
  amount: string;
  payTo: string;
  /** The EIP-712 domain the server announces for the token (default: the test token's own). */
  assetDomain?: { name: string; version: string };
}) {
  const app = createMerchantApp({ ...options, authHeaders: async () => options.auth, assetDomain: options.assetDomain ?? USDC_DOMAIN });
  const server = await listen(app);
  return { ...server, served: () => app.served() };
}

/** An x402 `exact` EVM signer over a plain key held by the test (an outside buyer). */
export function keySigner(wallet: Wallet | HDNodeWallet): X402EvmSigner {
  return {
    address: wallet.address as `0x${string}`,
    signTypedData: async ({ domain, types, message }) => {
      const { EIP712Domain: _domain, ...rest } = types as Record<string, { name: string; type: string }[]>;
      return (await wallet.signTypedData(domain, rest, message)) as `0x${string}`;
    },
  };
}

/**
 * An x402 buyer: @x402/fetch with the `exact` EVM scheme and `signer`, allowed to spend `asset` (the
 * SDK's spend controls refuse tokens it does not know by default). `inner`: the fetch underneath (a
 * test can record the payment header with it).
 */
export function payingFetch(
  signer: X402EvmSigner,
  allowed: { network: `eip155:${number}`; asset: string; maxAmountPerPayment?: string },
  inner: typeof fetch = fetch,
) {
  const spending = new x402Client().setSpendControls({ allowedAssets: [{ maxAmountPerPayment: '1000000', ...allowed }] });
  return wrapFetchWithPayment(inner, registerExactEvmScheme(spending, { signer }));
}

/** The facilitator URL of a listening OCP. */
export const facilitatorUrl = (ocpUrl: string) => `${ocpUrl}/x402`;

export type { TestApp };
