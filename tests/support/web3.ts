import { randomUUID } from 'node:crypto';
import { parseEther } from 'ethers';
import { Encryptor } from '../../src/infra/crypto/envelope';
import type { Anvil } from './anvil';
import { startTestApp, type TestApp } from './test-app';

type User = { auth: Record<string, string> };

/** An app whose WEB3_CHAINS points at the test's anvil (plus `extra` chains); the watcher is driven by hand. */
export function startWeb3App(
  anvil: Anvil,
  options: { confirmations?: number; tokens?: Record<string, string>; extra?: Record<string, unknown> } = {},
) {
  const chains = {
    [anvil.chainId]: { rpcUrl: anvil.rpcUrl, confirmations: options.confirmations ?? 1, tokens: options.tokens ?? {} },
    ...options.extra,
  };
  return startTestApp({ WEB3_CHAINS: JSON.stringify(chains), WEB3_WATCHER_INTERVAL_MS: '0', WEB3_RPC_TIMEOUT_MS: '3000' });
}

export async function createWeb3Wallet(t: TestApp, user: User, body: Record<string, unknown> = {}) {
  const res = await t.http().post('/api/v1/web3/wallets').set(user.auth).send(body);
  if (res.status !== 201) throw new Error(`create web3 wallet failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; address: string; chainId: number | null; label: string | null };
}

export function sendOnChain(t: TestApp, user: User, body: Record<string, unknown>, idempotencyKey: string = randomUUID()) {
  return t.http().post('/api/v1/web3/send').set(user.auth).set('Idempotency-Key', idempotencyKey).send(body);
}

/** Pays `eth` from the dev account to `address` and waits for it to be mined. */
export async function fundAddress(anvil: Anvil, address: string, eth = '10') {
  const tx = await anvil.devAccount.sendTransaction({ to: address, value: parseEther(eth) });
  await tx.wait();
}

/** The wallet's private key, unsealed the way only the vault does: for leak searches in tests. */
export async function vaultedPrivateKey(t: TestApp, walletId: string): Promise<string> {
  const { rows } = await t.container.db.query<{ key_ciphertext: string }>(
    'SELECT key_ciphertext FROM web3_vault_keys WHERE wallet_id = $1',
    [walletId],
  );
  return new Encryptor(t.config.ENCRYPTION_KEYS).decrypt(rows[0]!.key_ciphertext, walletId).toString('hex');
}
