import { Wallet } from 'ethers';
import type { DomainEvent } from '../../../src/shared/events';
import { startAnvil, type Anvil } from '../../support/anvil';
import { deployGate } from '../../support/erc20';
import { registerUser, type TestApp } from '../../support/test-app';
import { createWebhook, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { createWeb3Wallet, fundAddress, sendOnChain, startWeb3App } from '../../support/web3';

describe('the web3 send watcher', () => {
  let anvil: Anvil;
  let t: TestApp;
  let receiver: WebhookReceiver;
  const told: DomainEvent[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
    t = await startWeb3App(anvil, { confirmations: 2 });
    t.container.events.subscribe('*', (event) => {
      if (event.type.startsWith('web3.')) told.push(event);
    });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await anvil.stop();
  });

  async function setup() {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1');
    await createWebhook(t, user.auth, receiver.url, ['web3.send.confirmed', 'web3.send.failed']);
    return { user, wallet };
  }

  const statusOf = async (user: { auth: Record<string, string> }, sendId: string) =>
    (await t.http().get(`/api/v1/web3/sends/${sendId}`).set(user.auth)).body;

  it('when a send is mined and buried under the configured confirmations, then it turns confirmed and a webhook tells it', async () => {
    const { user, wallet } = await setup();
    const res = await sendOnChain(t, user, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to: Wallet.createRandom().address,
      amount: '777',
      asset: 'native',
    });
    expect(res.status).toBe(202);

    // Mined in one block: one confirmation of the two required.
    expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 1, confirmed: 0 });
    expect((await statusOf(user, res.body.id)).status).toBe('pending');

    await anvil.mine(1);
    expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 1, confirmed: 1 });
    const receipt = await anvil.provider.getTransactionReceipt(res.body.hash);
    expect(await statusOf(user, res.body.id)).toMatchObject({
      status: 'confirmed',
      blockNumber: receipt!.blockNumber,
      gasUsed: receipt!.gasUsed.toString(),
    });
    expect(told.find((e) => e.type === 'web3.send.confirmed' && e.data.hash === res.body.hash)).toBeDefined();

    await t.container.webhooks.worker.runOnce();
    const hook = receiver.received.find((r) => r.body.type === 'web3.send.confirmed' && r.body.data.hash === res.body.hash);
    expect(hook?.body.data).toMatchObject({ sendId: res.body.id, status: 'confirmed', chainId: anvil.chainId, amount: '777' });
    expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 0 });
  });

  it('when a mined send reverted, then it turns failed from its receipt and a webhook tells it', async () => {
    const { user, wallet } = await setup();
    const gate = await deployGate(anvil.devAccount);
    // Mining paused: the send passes its estimate against the open gate; a better-paying call that
    // closes the gate is mined first in the same block, so the send reverts.
    await anvil.provider.send('evm_setAutomine', [false]);
    try {
      const res = await sendOnChain(t, user, { web3WalletId: wallet.id, chainId: anvil.chainId, to: gate, amount: '1', asset: 'native' });
      expect(res.status).toBe(202);
      const fee = await anvil.provider.getFeeData();
      await anvil.devAccount.sendTransaction({
        to: gate,
        data: '0x01',
        maxPriorityFeePerGas: fee.maxPriorityFeePerGas! * 10n,
        maxFeePerGas: fee.maxFeePerGas! * 10n,
      });
      await anvil.mine(2);

      expect(await t.container.web3.watcher.runOnce()).toMatchObject({ checked: 1, failed: 1 });
      expect(await statusOf(user, res.body.id)).toMatchObject({ status: 'failed', failureReason: 'reverted' });
      expect((await anvil.provider.getTransactionReceipt(res.body.hash))?.status).toBe(0);
      await t.container.webhooks.worker.runOnce();
      expect(receiver.received.some((r) => r.body.type === 'web3.send.failed' && r.body.data.sendId === res.body.id)).toBe(true);
    } finally {
      await anvil.provider.send('evm_setAutomine', [true]);
    }
  });

  it('when the node has forgotten a pending send, then the watcher broadcasts the same signed bytes again', async () => {
    const { user, wallet } = await setup();
    await anvil.provider.send('evm_setAutomine', [false]);
    try {
      const res = await sendOnChain(t, user, {
        web3WalletId: wallet.id,
        chainId: anvil.chainId,
        to: Wallet.createRandom().address,
        amount: '5',
        asset: 'native',
      });
      expect(res.status).toBe(202);
      await anvil.provider.send('anvil_dropTransaction', [res.body.hash]);
      expect(await anvil.provider.getTransaction(res.body.hash)).toBeNull();
      expect(await t.container.web3.watcher.runOnce()).toMatchObject({ rebroadcast: 1 });
      await anvil.mine(2);
      expect(await t.container.web3.watcher.runOnce()).toMatchObject({ confirmed: 1 });
      expect((await anvil.provider.getTransactionReceipt(res.body.hash))?.status).toBe(1);
    } finally {
      await anvil.provider.send('evm_setAutomine', [true]);
    }
  });
});
