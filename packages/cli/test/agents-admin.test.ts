import { createOperator } from '../../../tests/support/admin.js';
import { balanceOf, createWallet, fund, transfer } from '../../../tests/support/ledger.js';
import { registerUser } from '../../../tests/support/test-app.js';
import { EXIT } from '../src/run.js';
import { configDir, ocp, OPERATOR_PASSWORD, signIn, startOcp, type Ocp } from './support.js';

describe('ocp agents, admin refunds and verify-ledger', () => {
  let server: Ocp;
  const configs: ReturnType<typeof configDir>[] = [];
  beforeAll(async () => {
    server = await startOcp({ REFUND_FOUR_EYES_THRESHOLD_MINOR: '500' });
  });
  afterAll(async () => {
    for (const config of configs) config.remove();
    await server.close();
  });

  /** A person signed in with the CLI in a config dir of their own; `run` is their `ocp`. */
  async function signedIn(email: string, password?: string) {
    const config = configDir();
    configs.push(config);
    await signIn(server.url, config.dir, email, password);
    return { run: (...argv: string[]) => ocp(argv, { dir: config.dir }) };
  }
  const operator = async (role: 'admin' | 'support' | 'finance' | 'auditor') => {
    const created = await createOperator(server.t, role);
    return { ...created, ...(await signedIn(created.email, OPERATOR_PASSWORD)) };
  };

  describe('agents', () => {
    it('when an agent is created with limits, listed and suspended, then OCP holds exactly that policy and status', async () => {
      const owner = await registerUser(server.t);
      const wallet = await createWallet(server.t, owner);
      const { run } = await signedIn(owner.email);
      const created = await run(
        'agents',
        'create',
        '--name',
        'Shopping bot',
        '--wallet',
        wallet.id,
        '--max-per-transaction',
        '25 USD',
        '--daily-budget',
        '100.50 USD',
      );
      expect(created.code).toBe(EXIT.ok);
      const id = /^ID +(agt_[\w-]+)$/m.exec(created.stdout)?.[1];
      expect(id).toBeDefined();
      expect(created.stdout).toMatch(/^Limits +25\.00 USD per payment, 100\.50 USD per day$/m);
      const secret = /Client secret \(shown once, store it now\): (\S+)/.exec(created.stdout)?.[1];
      expect(secret?.length).toBeGreaterThan(20);

      const stored = await server.t.http().get(`/api/v1/agents/${id}`).set(owner.auth);
      const { clientId } = stored.body as { clientId: string };
      expect(stored.body).toMatchObject({
        status: 'active',
        walletId: wallet.id,
        policy: { maxPerTransaction: '2500', dailyBudget: '10050', allowedCurrencies: ['USD'], allowedCounterparties: [] },
      });
      // The secret really is the agent's: it gets a token.
      const token = await server.t.http().post('/api/v1/auth/token').send({ clientId, clientSecret: secret });
      expect(token.status).toBe(200);

      const list = await run('agents', 'list');
      expect(list.stdout).toMatch(new RegExp(`^${id} +Shopping bot +active +${wallet.id} +25\\.00 USD per payment`, 'm'));
      expect(list.stdout).not.toContain(secret);

      const suspended = await run('agents', 'suspend', id!);
      expect(suspended).toMatchObject({ code: EXIT.ok, stdout: `Agent ${id} (Shopping bot) is suspended.\n` });
      const listed = (await run('agents', 'list', '--json')).json() as { id: string; status: string }[];
      expect(listed).toContainEqual(expect.objectContaining({ id, status: 'suspended' }));
    });

    it('when an agent gets neither limits nor --unlimited, or limits in two currencies, then exit 2 and none is created', async () => {
      const owner = await registerUser(server.t);
      const wallet = await createWallet(server.t, owner);
      const { run } = await signedIn(owner.email);
      const none = await run('agents', 'create', '--name', 'x', '--wallet', wallet.id);
      expect(none.code).toBe(EXIT.usage);
      const mixed = await run(
        'agents',
        'create',
        '--name',
        'x',
        '--wallet',
        wallet.id,
        '--daily-budget',
        '1 USD',
        '--max-per-transaction',
        '1 EUR',
      );
      expect(mixed).toMatchObject({ code: EXIT.usage, stderr: 'ocp: the limits are in EUR and USD: give them in one currency\n' });
      expect((await run('agents', 'list', '--json')).json()).toEqual([]);
      const unlimited = await run('agents', 'create', '--name', 'Trusted', '--create-wallet', 'usd', '--unlimited', '--json');
      expect(unlimited.code).toBe(EXIT.ok);
      expect(unlimited.json()).toMatchObject({ name: 'Trusted', policy: { allowedCurrencies: [], allowedCounterparties: [] } });
    });
  });

  describe('admin refunds (four eyes)', () => {
    async function paidTransaction() {
      const alice = await registerUser(server.t);
      const bob = await registerUser(server.t);
      const from = await createWallet(server.t, alice);
      const to = await createWallet(server.t, bob);
      await fund(server.t, from.id, 10_000);
      const paid = await transfer(server.t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' });
      return { from, to, transactionId: (paid.body as { debit: { id: string } }).debit.id };
    }
    const openRequest = async (auth: Record<string, string>, transactionId: string, amount: string) => {
      const res = await server.t.http().post('/api/v1/admin/refunds').set(auth).send({ transactionId, amount, reason: 'never arrived' });
      expect(res.status).toBe(201);
      return (res.body as { id: string }).id;
    };

    it('when an admin opens a request above the threshold, then they cannot approve it and finance can, once', async () => {
      const { from, to, transactionId } = await paidTransaction();
      const admin = await operator('admin');
      const finance = await operator('finance');
      const requestId = await openRequest(admin.auth, transactionId, '800');

      const pending = await finance.run('admin', 'refunds', 'list');
      expect(pending.code).toBe(EXIT.ok);
      expect(pending.stdout.split('\n')[0]).toMatch(/^ID +STATUS +AMOUNT +TRANSACTION +REQUESTED BY +REASON +CREATED$/);
      expect(pending.stdout).toMatch(
        new RegExp(`^${requestId} +pending +8\\.00 USD +${transactionId} +${admin.id} \\(operator\\) +never arrived`, 'm'),
      );

      const own = await admin.run('admin', 'refunds', 'approve', requestId);
      expect(own.code).toBe(EXIT.apiError);
      expect(own.stderr).toMatch(/\[code: four_eyes_required, requestId: /);
      expect(await balanceOf(server.t, from.id)).toBe(9_000n);

      const approved = await finance.run('admin', 'refunds', 'approve', requestId);
      expect(approved.code).toBe(EXIT.ok);
      expect(approved.stdout).toMatch(/^Status +approved$/m);
      expect(approved.stdout).toMatch(/^Refunded +8\.00 USD$/m);
      expect(approved.stdout).toMatch(new RegExp(`^Decided by +${finance.id}$`, 'm'));
      expect(await balanceOf(server.t, from.id)).toBe(9_800n);
      expect(await balanceOf(server.t, to.id)).toBe(200n);

      const again = await finance.run('admin', 'refunds', 'approve', requestId);
      expect(again.code).toBe(EXIT.apiError);
      expect(again.stderr).toMatch(/\[code: refund_request_not_pending, /);
      expect(await balanceOf(server.t, from.id)).toBe(9_800n);
      const decided = (await finance.run('admin', 'refunds', 'list', '--status', 'approved', '--json')).json() as { id: string }[];
      expect(decided.map((r) => r.id)).toContain(requestId);
    });

    it('when support opens a request, then support may list it but not approve it (exit 1, forbidden)', async () => {
      const { from, transactionId } = await paidTransaction();
      const support = await operator('support');
      const requestId = await openRequest(support.auth, transactionId, '300');
      const listed = (await support.run('admin', 'refunds', 'list', '--json')).json() as { id: string }[];
      expect(listed.map((r) => r.id)).toContain(requestId);
      const refused = await support.run('admin', 'refunds', 'approve', requestId);
      expect(refused.code).toBe(EXIT.apiError);
      expect(refused.stderr).toMatch(/\[code: forbidden, requestId: /);
      expect(await balanceOf(server.t, from.id)).toBe(9_000n);
      expect((await support.run('admin', 'refunds', 'list', '--status', 'done')).code).toBe(EXIT.usage);
    });
  });

  describe('verify-ledger', () => {
    it('when an auditor verifies a healthy ledger, then every check is ok and it exits 0', async () => {
      const auditor = await operator('auditor');
      const result = await auditor.run('verify-ledger');
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toMatch(/^CHECK +RESULT +VIOLATIONS +EXAMPLES$/m);
      expect(result.stdout).toMatch(/^transfers_balanced +ok +0 +-$/m);
      expect(result.stdout).toMatch(/^Totals by currency \(0 when balanced\): .*0\.00 USD/m);
      expect(result.stdout).toContain('Ledger verified: every invariant holds.');
      const json = (await auditor.run('verify-ledger', '--json')).json();
      expect(json).toMatchObject({ ok: true, totalsByCurrency: { USD: '0' } });
    });

    it('when a balance disagrees with its entries, then the check fails naming the wallet and it exits 4', async () => {
      const auditor = await operator('auditor');
      const owner = await registerUser(server.t);
      const wallet = await createWallet(server.t, owner);
      await server.t.container.db.query('UPDATE wallets SET balance = balance + 7 WHERE id = $1', [wallet.id]);
      try {
        const result = await auditor.run('verify-ledger');
        expect(result.code).toBe(EXIT.ledgerViolations);
        expect(result.stdout).toMatch(new RegExp(`^balances_match_entries +FAILED +1 +${wallet.id}$`, 'm'));
        expect(result.stdout).toContain('Ledger verification FAILED.');
      } finally {
        await server.t.container.db.query('UPDATE wallets SET balance = balance - 7 WHERE id = $1', [wallet.id]);
      }
    });

    it('when support asks, then OCP refuses (forbidden) and it exits 1', async () => {
      const support = await operator('support');
      const result = await support.run('verify-ledger');
      expect(result.code).toBe(EXIT.apiError);
      expect(result.stderr).toMatch(/\[code: forbidden, requestId: /);
    });
  });
});
