import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createOperator } from '../../support/admin';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, createWallet, ledgerInvariants, transfer } from '../../support/ledger';
import { listen, mcpClient, refusal, structured } from '../../support/mcp';
import { startTestApp, type TestApp } from '../../support/test-app';

type RefundRequest = {
  id: string;
  transactionId: string;
  transferId: string;
  customerId: string | null;
  amount: string;
  status: string;
  requestedBy: string;
  requestedByRole: string;
};
type Requested = { refund_request: RefundRequest; replayed: boolean };
type Entry = { id: string; transfer_id: string; direction: string; type: string; amount: string; refund_of: string | null };

/**
 * Issue #17 item 5: request_refund opens the customers' refund request for the agent's owner, on a
 * payment the agent made; operators see and decide it at the existing admin refund routes.
 */
describe('MCP tool request_refund', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  let finance: Awaited<ReturnType<typeof createOperator>>;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    http = await listen(t);
    finance = await createOperator(t, 'finance');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await http.close();
    await t.close();
  });

  async function connect(agent: TestAgent) {
    const client = await mcpClient(http.baseUrl, agent.auth.Authorization);
    clients.push(client);
    return client;
  }

  /** A payer agent with its client, a payee agent, and the payer's debit of one `pay` of `amount`. */
  async function paid(amount = '1000') {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    const client = await connect(payer);
    const { payment } = structured<{ payment: { transferId: string } }>(
      await client.callTool({
        name: 'pay',
        arguments: { to_agent_id: payee.id, amount, currency: 'USD', idempotency_key: randomUUID() },
      }),
    );
    return { payer, payee, client, debit: await debitOf(client, payment.transferId) };
  }

  async function debitOf(client: Client, transferId: string): Promise<Entry> {
    const { transactions } = structured<{ transactions: Entry[] }>(await client.callTool({ name: 'list_transactions', arguments: {} }));
    return transactions.find((e) => e.transfer_id === transferId && e.direction === 'debit')!;
  }

  const requestRefund = (client: Client, args: Record<string, unknown>) =>
    client.callTool({ name: 'request_refund', arguments: { reason: 'the job was not done', idempotency_key: randomUUID(), ...args } });

  const approve = (id: string) =>
    t.http().post(`/api/v1/admin/refunds/${id}/approve`).set(finance.auth).set('Idempotency-Key', randomUUID()).send();

  it('when an agent lists the tools, then request_refund says it records without moving money and is idempotent', async () => {
    const { client } = await paid('1');
    const tool = (await client.listTools()).tools.find((candidate) => candidate.name === 'request_refund');
    expect(tool?.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(tool?.inputSchema.required).toEqual(expect.arrayContaining(['transaction_id', 'reason', 'idempotency_key']));
  });

  it('when an agent asks for part of a payment back and an operator approves, then the money comes back to its wallet as a refund of that payment', async () => {
    const { payer, payee, client, debit } = await paid('1000');
    const asked = structured<Requested>(await requestRefund(client, { transaction_id: debit.id, amount: '400' }));
    expect(asked).toMatchObject({
      replayed: false,
      refund_request: {
        status: 'pending',
        transactionId: debit.id,
        transferId: debit.transfer_id,
        amount: '400',
        customerId: payer.owner.id,
        requestedBy: payer.id,
        requestedByRole: 'agent',
      },
    });
    expect(await balanceOf(t, payer.walletId)).toBe(9_000n);

    const pending = await t.http().get('/api/v1/admin/refunds').query({ status: 'pending' }).set(finance.auth);
    expect(pending.body.data).toContainEqual(expect.objectContaining({ id: asked.refund_request.id, requestedByRole: 'agent' }));
    const approved = await approve(asked.refund_request.id);
    expect(approved.status).toBe(200);
    expect(approved.body.refund.transfer).toMatchObject({ type: 'refund', amount: '400', refundOf: debit.transfer_id });

    expect(await balanceOf(t, payer.walletId)).toBe(9_400n);
    expect(await balanceOf(t, payee.walletId)).toBe(600n);
    const { transactions } = structured<{ transactions: Entry[] }>(await client.callTool({ name: 'list_transactions', arguments: {} }));
    expect(transactions[0]).toMatchObject({ type: 'refund', direction: 'credit', amount: '400', refund_of: debit.transfer_id });
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0 });
  });

  it('when a request is retried with its key, then the first request comes back and no second one is opened; the key with other arguments is refused', async () => {
    const { client, debit } = await paid('1000');
    const args = { transaction_id: debit.id, amount: '300', idempotency_key: randomUUID() };
    const first = structured<Requested>(await requestRefund(client, args));
    const again = structured<Requested>(await requestRefund(client, args));
    expect(again).toEqual({ refund_request: first.refund_request, replayed: true });
    const { rows } = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refund_requests WHERE transaction_id = $1', [
      debit.id,
    ]);
    expect(rows[0]!.n).toBe(1);
    expect(refusal(await requestRefund(client, { ...args, amount: '301' })).code).toBe('idempotency_conflict');
  });

  it('when six calls with one key race, then one request is opened and the others replay it or are told it is in flight', async () => {
    const { client, debit } = await paid('1000');
    const args = { transaction_id: debit.id, amount: '200', idempotency_key: randomUUID() };
    const replies = await Promise.all(Array.from({ length: 6 }, () => requestRefund(client, args)));
    const opened = new Set<string>();
    for (const reply of replies) {
      if ((reply as { isError?: boolean }).isError) expect(refusal(reply).code).toBe('idempotency_in_flight');
      else opened.add(structured<Requested>(reply).refund_request.id);
    }
    expect(opened.size).toBe(1);
    const { rows } = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refund_requests WHERE transaction_id = $1', [
      debit.id,
    ]);
    expect(rows[0]!.n).toBe(1);
  });

  it('when the agent names a transaction it did not pay, then transaction_not_found and nothing is opened', async () => {
    const { payer, payee, client, debit } = await paid('1000');
    // Another agent of the same owner, paying from the same wallet.
    const sibling = await registerAgent(t, { owner: payer.owner, walletId: payer.walletId });
    const siblingClient = await connect(sibling);
    const payeeClient = await connect(payee);
    const siblingPaid = structured<{ payment: { transferId: string } }>(
      await siblingClient.callTool({
        name: 'pay',
        arguments: { to_agent_id: payee.id, amount: '100', currency: 'USD', idempotency_key: randomUUID() },
      }),
    );
    // The owner's own transfer from the wallet bound to the agent.
    const elsewhere = await createWallet(t, payer.owner);
    const ownTransfer = await transfer(t, payer.owner, { fromWalletId: payer.walletId, toWalletId: elsewhere.id, amount: '50' });
    const payeeCredit = structured<{ transactions: Entry[] }>(
      await payeeClient.callTool({ name: 'list_transactions', arguments: {} }),
    ).transactions.find((e) => e.transfer_id === debit.transfer_id)!;

    for (const transactionId of [
      (await debitOf(siblingClient, siblingPaid.payment.transferId)).id,
      ownTransfer.body.debit.id as string,
      'txn_does_not_exist',
    ]) {
      expect(refusal(await requestRefund(client, { transaction_id: transactionId })).code).toBe('transaction_not_found');
    }
    // The payee cannot ask for the money it received.
    expect(refusal(await requestRefund(payeeClient, { transaction_id: payeeCredit.id })).code).toBe('transaction_not_found');
    const { rows } = await t.container.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM refund_requests WHERE customer_id = $1 OR requested_by_role = 'agent' AND requested_by = $2",
      [payer.owner.id, payee.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('when the amount is more than is left of the payment, or it is all refunded, then refund_exceeds_remaining says what remains', async () => {
    const { client, debit } = await paid('500');
    const tooMuch = refusal(await requestRefund(client, { transaction_id: debit.id, amount: '501' }));
    expect(tooMuch).toMatchObject({ code: 'refund_exceeds_remaining', details: { remaining: '500' } });
    const all = structured<Requested>(await requestRefund(client, { transaction_id: debit.id }));
    expect(all.refund_request.amount).toBe('500');
    expect((await approve(all.refund_request.id)).status).toBe(200);
    const again = refusal(await requestRefund(client, { transaction_id: debit.id }));
    expect(again).toMatchObject({ code: 'refund_exceeds_remaining', details: { remaining: '0' } });
  });
});
