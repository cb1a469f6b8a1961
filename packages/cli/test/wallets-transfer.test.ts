import { balanceOf, createWallet, fund, ledgerInvariants } from '../../../tests/support/ledger.js';
import { registerUser } from '../../../tests/support/test-app.js';
import { EXIT } from '../src/run.js';
import { configDir, ocp, signIn, startOcp, type Ocp } from './support.js';

describe('ocp wallets, transfer and transactions', () => {
  let server: Ocp;
  let config: ReturnType<typeof configDir>;
  let alice: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    server = await startOcp();
    config = configDir();
    alice = await registerUser(server.t);
    await signIn(server.url, config.dir, alice.email);
  });
  afterAll(async () => {
    config.remove();
    await server.close();
  });

  const run = (...argv: string[]) => ocp(argv, { dir: config.dir });

  async function fundedPair() {
    const bob = await registerUser(server.t);
    const from = await createWallet(server.t, alice);
    const to = await createWallet(server.t, bob);
    await fund(server.t, from.id, 5_000);
    return { from, to };
  }

  it('when a wallet is created, listed and shown, then the table, the fields and --json all agree', async () => {
    const created = await run('wallets', 'create', '--currency', 'eur', '--label', 'Travel', '--json');
    expect(created.code).toBe(EXIT.ok);
    const wallet = created.json() as { id: string; currency: string; balance: string; label: string };
    expect(wallet).toMatchObject({ currency: 'EUR', balance: '0', label: 'Travel' });
    await fund(server.t, wallet.id, 123_456);

    const table = await run('wallets', 'list');
    expect(table.code).toBe(EXIT.ok);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +CURRENCY +BALANCE +STATUS +LABEL +CREATED$/);
    const row = rows.find((r) => r.startsWith(wallet.id))!;
    expect(row).toMatch(new RegExp(`^${wallet.id} +EUR +1234\\.56 EUR +active +Travel +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
    // Aligned: every column starts where its header does.
    expect(row.indexOf('EUR')).toBe(header!.indexOf('CURRENCY'));
    expect(row.indexOf('active')).toBe(header!.indexOf('STATUS'));

    const listed = (await run('wallets', 'list', '--json')).json() as { id: string }[];
    expect(listed.map((w) => w.id)).toContain(wallet.id);

    const shown = await run('wallets', 'show', wallet.id);
    expect(shown.stdout).toMatch(new RegExp(`^ID +${wallet.id}\\nCurrency +EUR\\nBalance +1234\\.56 EUR\\n`));
    expect((await run('wallets', 'show', wallet.id, '--json')).json()).toMatchObject({ id: wallet.id, balance: '123456' });
  });

  it('when a wallet that is not yours is shown, then exit 1 with the API code and request id', async () => {
    const shown = await run('wallets', 'show', 'wal_doesnotexist');
    expect(shown.code).toBe(EXIT.apiError);
    expect(shown.stderr).toMatch(/^ocp: .+ \[code: wallet_not_found, requestId: [\w-]+\]\n$/);
  });

  it('when "10.50 USD" is transferred, then exactly 1050 minor units move and the key used is printed', async () => {
    const { from, to } = await fundedPair();
    const result = await run('transfer', '--from', from.id, '--to', to.id, '--amount', '10.50 USD');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^Transfer +trf_[\w-]+\nAmount +10\.50 USD\n/m);
    expect(result.stdout).toMatch(/Balance after +39\.50 USD\n/);
    const key = /Idempotency-Key +(\S+)/.exec(result.stdout)?.[1];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(await balanceOf(server.t, from.id)).toBe(3_950n);
    expect(await balanceOf(server.t, to.id)).toBe(1_050n);

    // The printed key makes a retry safe: the same command with it moves nothing more.
    const retry = await run('transfer', '--from', from.id, '--to', to.id, '--amount', '10.50 USD', '--idempotency-key', key!, '--json');
    expect(retry.code).toBe(EXIT.ok);
    expect(retry.json()).toMatchObject({ idempotencyKey: key, transfer: { amount: '1050', currency: 'USD' } });
    expect(await balanceOf(server.t, to.id)).toBe(1_050n);
    expect(await ledgerInvariants(server.t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
  });

  it.each(['10.505 USD', '10,50 USD', '-1 USD', '10.50', '1 XXX'])(
    'when the amount is "%s", then exit 2 and nothing moves',
    async (amount) => {
      const { from, to } = await fundedPair();
      const result = await run('transfer', '--from', from.id, '--to', to.id, '--amount', amount);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^ocp: .+\n$/);
      expect(await balanceOf(server.t, from.id)).toBe(5_000n);
      expect(await balanceOf(server.t, to.id)).toBe(0n);
    },
  );

  it('when the wallet has too little, then exit 1 with insufficient_funds and nothing moves', async () => {
    const { from, to } = await fundedPair();
    const result = await run('transfer', '--from', from.id, '--to', to.id, '--amount', '50.01 USD');
    expect(result.code).toBe(EXIT.apiError);
    expect(result.stderr).toMatch(/\[code: insufficient_funds, requestId: /);
    expect(await balanceOf(server.t, from.id)).toBe(5_000n);
  });

  it('when transactions are listed, then --json gives the API objects, --limit bounds them and --all reads every page', async () => {
    const { from, to } = await fundedPair();
    for (const amount of ['1.00 USD', '2.00 USD', '3.00 USD']) {
      expect((await run('transfer', '--from', from.id, '--to', to.id, '--amount', amount)).code).toBe(EXIT.ok);
    }
    const all = await ocp(['transactions', 'list', '--wallet', from.id, '--all', '--json'], { dir: config.dir, stderrIsTTY: false });
    expect(all.code).toBe(EXIT.ok);
    expect(all.stderr).toBe(''); // no progress when stderr is not a terminal
    const transactions = all.json() as { direction: string; amount: string; balanceAfter: string }[];
    expect(transactions.map((t) => [t.direction, t.amount, t.balanceAfter])).toEqual([
      ['debit', '300', '4400'],
      ['debit', '200', '4700'],
      ['debit', '100', '4900'],
      ['credit', '5000', '5000'],
    ]);
    const limited = (await run('transactions', 'list', '--wallet', from.id, '--limit', '2', '--json')).json() as unknown[];
    expect(limited).toHaveLength(2);
    const table = await run('transactions', 'list', '--wallet', from.id);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +DATE +TYPE +AMOUNT +BALANCE AFTER +STATUS +COUNTERPARTY +DESCRIPTION$/);
    expect(table.stdout).toMatch(/transfer +-3\.00 USD +44\.00 USD +completed/);
    expect((await run('transactions', 'list', '--wallet', from.id, '--all', '--limit', '2')).code).toBe(EXIT.usage);
  });

  it('when --all runs on a terminal, then a progress line goes to stderr and stdout holds only the result', async () => {
    const { from } = await fundedPair();
    const all = await ocp(['transactions', 'list', '--wallet', from.id, '--all', '--json'], { dir: config.dir, stderrIsTTY: true });
    expect(all.code).toBe(EXIT.ok);
    expect(all.stderr).toContain('reading transactions…');
    expect(all.stderr.endsWith('\r\u001b[2K')).toBe(true); // the line is cleared before the result
    expect(all.json()).toHaveLength(1);
  });
});
