import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract, type HDNodeWallet, type Wallet } from 'ethers';
import { registerExactEvmScheme } from '@x402/evm/exact/client';
import { wrapFetchWithPayment, x402Client } from '@x402/fetch';
import { createMerchantApp } from '../../examples/x402-merchant/app';
import type { X402EvmSigner } from '../../src/protocols/x402';
import { startRpcProxy } from './rpc-proxy';
import { startAnvil, type Anvil } from './anvil';
import { registerAgent, type TestAgent } from './agents';
import { committedBuild, deployContract } from './contracts';
import { createMerchant, merchantClientAuth } from './merchants';
import { registerUser, startTestApp, type TestApp } from './test-app';
import { createWeb3Wallet, fundAddress } from './web3';

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

/**
 * A front for a shop that loses the answers of paid requests (those with PAYMENT-SIGNATURE), as a
 * timeout or a reset would: `loseAnswers('after', n)` forwards the next n paid requests (the shop
 * settles) and then cuts the connection; `'before'` cuts it without forwarding (nothing settles).
 * `signatures` lists the PAYMENT-SIGNATURE of every paid request it got.
 */
export async function lossyFront(shopUrl: string) {
  let mode: 'after' | 'before' = 'after';
  let left = 0;
  const signatures: string[] = [];
  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const paid = headers['payment-signature'];
    if (paid) signatures.push(paid);
    const lose = paid !== undefined && left > 0;
    if (lose) left -= 1;
    if (lose && mode === 'before') return void req.socket.destroy();
    const answer = await fetch(`${shopUrl}${req.url}`, { method: req.method, headers });
    const text = await answer.text();
    if (lose) return void req.socket.destroy();
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    });
    res.writeHead(answer.status, out).end(text);
  });
  const loseAnswers = (when: 'after' | 'before', times = 1) => {
    mode = when;
    left = times;
  };
  return { ...server, signatures, loseAnswers };
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
  /** How long a signed payment stays valid (the SDK's default when left out). */
  maxTimeoutSeconds?: number;
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

/**
 * What the tests of OCP paying x402 challenges share: anvil with the test token, OCP configured for
 * it and listening, its gas key funded, a merchant whose API client and vaulted wallet sell through
 * `shop(amount)`, and agents (`agentWith`) whose owner's vaulted wallet holds 1 USDC under an x402
 * policy (20,000 per request, 25,000 a day, unless `policy` says otherwise).
 */
export async function startX402Payers(options: { viaRpcProxy?: boolean } = {}) {
  const anvil = await startAnvil();
  const usdc = await deployUsdc(anvil);
  // OCP may reach the node through a proxy the test can make lie or lag.
  const rpc = options.viaRpcProxy ? await startRpcProxy(anvil.rpcUrl) : null;
  const network = `eip155:${anvil.chainId}` as `eip155:${number}`;
  const assetKey = `${network}/erc20:${usdc.address.toLowerCase()}`;
  const t = await startTestApp({
    WEB3_CHAINS: JSON.stringify({
      [anvil.chainId]: { rpcUrl: rpc?.url ?? anvil.rpcUrl, confirmations: 1, tokens: { USDC: usdc.address } },
    }),
    WEB3_WATCHER_INTERVAL_MS: '0',
    WEB3_RPC_TIMEOUT_MS: '3000',
  });
  const ocp = await listen(t.app);
  const merchantOwner = await registerUser(t);
  const merchant = await createMerchant(t, merchantOwner);
  const merchantAuth = (await merchantClientAuth(t, merchantOwner, merchant.id)).auth;
  const payTo = (await createWeb3Wallet(t, merchantOwner, { chainId: anvil.chainId })).address;
  await fundAddress(anvil, (await t.http().get('/x402/supported')).body.signers['eip155:*'][0], '1');

  const shop = (amount: bigint, options: { assetDomain?: { name: string; version: string }; maxTimeoutSeconds?: number } = {}) =>
    startResourceServer({
      facilitatorUrl: facilitatorUrl(ocp.url),
      auth: merchantAuth,
      network,
      asset: usdc.address,
      amount: amount.toString(),
      payTo,
      ...options,
    });

  async function agentWith(policy: Record<string, unknown> = {}): Promise<{ agent: TestAgent; wallet: { id: string; address: string } }> {
    const owner = await registerUser(t);
    const wallet = await createWeb3Wallet(t, owner, { chainId: anvil.chainId });
    await usdc.mint(wallet.address, 1_000_000n);
    const agent = await registerAgent(t, {
      owner,
      policy: { x402WalletId: wallet.id, x402Assets: [assetKey], x402MaxPerRequest: '20000', x402DailyBudget: '25000', ...policy },
    });
    return { agent, wallet };
  }

  /** The agent's x402 payment records, oldest first. */
  async function paymentsOf(agentId: string) {
    const { rows } = await t.container.db.query<{ status: string; amount: string; settlement_tx: string | null }>(
      'SELECT status, amount::text AS amount, settlement_tx FROM agent_x402_payments WHERE agent_id = $1 ORDER BY created_at',
      [agentId],
    );
    return rows;
  }

  /** What the agent's x402 payments have reserved of its daily budget in the test token, over all days. */
  async function spentOf(agentId: string): Promise<bigint> {
    const { rows } = await t.container.db.query<{ spent: string | null }>(
      'SELECT sum(spent)::text AS spent FROM agent_x402_spend WHERE agent_id = $1 AND asset = $2',
      [agentId, assetKey],
    );
    return BigInt(rows[0]?.spent ?? '0');
  }

  const close = async () => {
    await ocp.close();
    await t.close();
    await rpc?.close();
    await anvil.stop();
  };
  return { anvil, rpc, usdc, network, assetKey, t, ocp, merchantAuth, payTo, shop, agentWith, paymentsOf, spentOf, close };
}
