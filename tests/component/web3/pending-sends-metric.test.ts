import { Wallet } from 'ethers';
import { SqlWeb3Repository } from '../../../src/modules/web3/adapters/sql-web3.repository';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerUser, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, sendOnChain, startWeb3App } from '../../support/web3';

/** A second configured chain whose node is never asked: it only has to show 0 pending. */
const IDLE_CHAIN_ID = 11155111;

describe('ocp_web3_pending_transactions on GET /metrics', () => {
  let anvil: Anvil;
  let t: TestApp;

  beforeAll(async () => {
    anvil = await startAnvil();
    t = await startWeb3App(anvil, { confirmations: 2, extra: { [IDLE_CHAIN_ID]: { rpcUrl: 'http://127.0.0.1:9' } } });
  });
  afterAll(async () => {
    await t.close();
    await anvil.stop();
  });

  async function scrape(name: string): Promise<Record<string, number>> {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    return Object.fromEntries(
      [...res.text.matchAll(new RegExp(`^${name}\\{chain_id="(\\d+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1]!, Number(m[2])]),
    );
  }
  const pending = () => scrape('ocp_web3_pending_transactions');

  it('when a send goes pending and then confirmed, then /metrics counts it on its chain until the watcher settles it', async () => {
    const chain = String(anvil.chainId);
    expect(await pending()).toEqual({ [chain]: 0, [IDLE_CHAIN_ID]: 0 });

    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1');
    const sends = [];
    for (const amount of ['11', '12']) {
      const res = await sendOnChain(t, user, {
        web3WalletId: wallet.id,
        chainId: anvil.chainId,
        to: Wallet.createRandom().address,
        amount,
        asset: 'native',
      });
      expect(res.status).toBe(202);
      sends.push(res.body as { id: string });
    }
    expect(await pending()).toEqual({ [chain]: 2, [IDLE_CHAIN_ID]: 0 });

    // Each send was mined in its own block: the first is two blocks deep (confirmed), the second one (still pending).
    expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 2, confirmed: 1 });
    expect(await pending()).toEqual({ [chain]: 1, [IDLE_CHAIN_ID]: 0 });

    // Ten minutes old: the age gauge (what the stuck-send alert reads) says so.
    await t.container.db.query(`UPDATE web3_sends SET created_at = created_at - interval '10 minutes' WHERE id = $1`, [sends[1]!.id]);
    expect((await scrape('ocp_web3_oldest_pending_transaction_age_seconds'))[chain]).toBeGreaterThanOrEqual(600);

    await anvil.mine(1);
    expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 1, confirmed: 1 });
    expect(await pending()).toEqual({ [chain]: 0, [IDLE_CHAIN_ID]: 0 });
    expect(await scrape('ocp_web3_oldest_pending_transaction_age_seconds')).toEqual({ [chain]: 0, [IDLE_CHAIN_ID]: 0 });
  });

  it('when pending sends of several chains are stored, then the repository counts them per chain with the oldest of each', async () => {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1');
    const res = await sendOnChain(t, user, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to: Wallet.createRandom().address,
      amount: '13',
      asset: 'native',
    });
    expect(res.status).toBe(202);
    // Copies of the stored send on other chains (one no longer configured), older, plus a settled one that must not count.
    const copy = (suffix: string, chainId: number, status: string, ageMinutes: number, nonceOffset: number) =>
      t.container.db.query(
        `INSERT INTO web3_sends (id, wallet_id, owner_id, chain_id, from_address, to_address, asset, asset_symbol, amount, nonce,
           tx_hash, raw_tx, status, created_at, updated_at)
         SELECT id || $1, wallet_id, owner_id, $2, from_address, to_address, asset, asset_symbol, amount, nonce + $6,
           tx_hash || $1, raw_tx, $3, now() - make_interval(mins => $4), now() FROM web3_sends WHERE id = $5`,
        [suffix, chainId, status, ageMinutes, res.body.id, nonceOffset],
      );
    await copy('-a', 5, 'pending', 30, 1);
    await copy('-b', 5, 'pending', 5, 2);
    await copy('-c', IDLE_CHAIN_ID, 'pending', 1, 1);
    await copy('-d', IDLE_CHAIN_ID + 1, 'confirmed', 60, 1);

    const counts = await new SqlWeb3Repository(t.container.db).pendingSendsByChain();
    expect(counts.map(({ chainId, count }) => ({ chainId, count }))).toEqual([
      { chainId: 5, count: 2 },
      { chainId: anvil.chainId, count: 1 },
      { chainId: IDLE_CHAIN_ID, count: 1 },
    ]);
    const ageMinutes = (Date.now() - counts[0]!.oldestCreatedAt.getTime()) / 60_000;
    expect(ageMinutes).toBeGreaterThanOrEqual(29.9);
    expect(ageMinutes).toBeLessThan(31);
    expect(await pending()).toEqual({ '5': 2, [anvil.chainId]: 1, [IDLE_CHAIN_ID]: 1 });
  });
});
