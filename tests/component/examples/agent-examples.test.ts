import { payOverA2a } from '../../../examples/agents/a2a-pay';
import { runMcpSession } from '../../../examples/agents/mcp-agent';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';
import { openListener } from '../a2a/support';

// docs/agents.md points at these examples as the way to start with A2A and MCP: they must run as written.
describe('the agent examples of docs/agents.md, against a running OCP', () => {
  let t: TestApp;
  let close: () => Promise<void>;
  let ocpUrl: string;
  let payer: TestAgent;
  let payee: TestAgent;
  const token = (agent: TestAgent) => agent.auth.Authorization.slice('Bearer '.length);

  beforeAll(async () => {
    const listener = await openListener();
    ocpUrl = listener.baseUrl;
    t = await startTestApp({ PUBLIC_BASE_URL: ocpUrl });
    listener.serve(t.app);
    close = () => new Promise((resolve) => listener.server.close(() => resolve()));
    payer = await registerAgent(t, { funds: 5_000, policy: { maxPerTransaction: '2000' } });
    payee = await registerAgent(t, { name: 'seller' });
  });
  afterAll(async () => {
    await close();
    await t.close();
  });

  it('when examples/agents/a2a-pay.ts pays an agent, then the task completes with the receipt, once per message id', async () => {
    const payment = { ocpUrl, agentToken: token(payer), payeeAgentId: payee.id, amount: '1500', currency: 'USD', memo: 'api credits' };
    const first = await payOverA2a(payment, 'example-message-1');
    expect(first).toMatchObject({ state: 'TASK_STATE_COMPLETED', result: { status: 'completed', amount: '1500', to: payee.id } });
    await payOverA2a(payment, 'example-message-1');
    expect(await balanceOf(t, payee.walletId)).toBe(1_500n);

    const overCap = await payOverA2a({ ...payment, amount: '2500' });
    expect(overCap.state).toBe('TASK_STATE_FAILED');
    expect(JSON.stringify(overCap.result)).toContain('max_per_transaction');
  });

  it('when examples/agents/mcp-agent.ts runs, then it lists the tools, reads the balance and pays once', async () => {
    const session = await runMcpSession({ ocpUrl, agentToken: token(payer), payAgentId: payee.id, amount: '500' });
    expect(session.tools).toEqual(expect.arrayContaining(['get_balance', 'pay', 'list_transactions']));
    expect(session.balance).toMatchObject({ wallet_id: payer.walletId, balance: '3500' });
    expect(session.payment).toMatchObject({ payment: { status: 'completed', amount: '500' }, replayed: false });
    expect(await balanceOf(t, payee.walletId)).toBe(2_000n);

    const refused = await runMcpSession({ ocpUrl, agentToken: token(payer), payAgentId: payee.id, amount: '9000' });
    expect(JSON.stringify(refused.payment)).toContain('max_per_transaction');
  });
});
