import { randomUUID } from 'node:crypto';
import { auditRows, createOperator } from '../../support/admin';
import { createWallet, fund } from '../../support/ledger';
import { createCardToken, fundWithCard } from '../../support/payments';
import { createPayout, PAYOUT_CARDS, settledPayout } from '../../support/payouts';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

type Auth = Record<string, string>;

/** A processor record as OCP knows it: what a generated settlement file lists. */
interface Processed {
  kind: 'charge' | 'refund';
  processorId: string;
  ourId: string;
  amount: string;
  createdAt: Date;
}

const OCP_HEADER = 'id,type,amount,currency,fee,date';
const STRIPE_HEADER = 'id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description';

/** An OCP-format row for one of our records, with the amount in major units (USD). */
const ocpRow = (r: Processed, amount = dollars(r.amount), currency = 'USD') =>
  `${r.processorId},${r.kind},${amount},${currency},0.30,${r.createdAt.toISOString()}`;
const dollars = (minor: string) => (Number(minor) / 100).toFixed(2);
const stripeTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/** Reconciliation of processor settlement files against card charges and refunds made through the API (sandbox processor). */
describe('POST /api/v1/admin/reconciliations', () => {
  let t: TestApp;
  let admin: Auth;
  const roles: Record<'support' | 'finance' | 'auditor' | 'user', Auth> = {} as Record<'support' | 'finance' | 'auditor' | 'user', Auth>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = (await loginAdmin(t)).auth;
    for (const role of ['support', 'finance', 'auditor'] as const) roles[role] = (await createOperator(t, role)).auth;
    roles.user = (await registerUser(t)).auth;
  });
  afterAll(() => t.close());

  const upload = (csv: string | Buffer, auth: Auth = admin, contentType = 'text/csv') =>
    t.http().post('/api/v1/admin/reconciliations').set(auth).set('Content-Type', contentType).send(csv);

  /** A card funding through the API; the processor's charge id is read where OCP keeps it. */
  async function charge(amount: string) {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    const token = await createCardToken(t, owner.auth);
    const res = await fundWithCard(t, owner.auth, wallet.id, { tokenId: token.id, amount });
    expect(res.status).toBe(201);
    const { rows } = await t.container.db.query<{ processor_charge_id: string; created_at: Date }>(
      'SELECT processor_charge_id, created_at FROM card_charges WHERE id = $1',
      [res.body.charge.id],
    );
    const record: Processed = {
      kind: 'charge',
      processorId: rows[0]!.processor_charge_id,
      ourId: res.body.charge.id,
      amount,
      createdAt: rows[0]!.created_at,
    };
    return { record, owner, creditId: res.body.credit.id as string, token };
  }

  /** A ledger refund of a card funding, which the funding module refunds to the card (sandbox). */
  async function refund(funded: Awaited<ReturnType<typeof charge>>, amount: string) {
    const res = await t
      .http()
      .post(`/api/v1/transactions/${funded.creditId}/refund`)
      .set(funded.owner.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount, reason: 'returned' });
    expect(res.status).toBe(201);
    await t.container.funding.cardRefunds.idle();
    const { rows } = await t.container.db.query<{ processor_refund_id: string; created_at: Date }>(
      "SELECT processor_refund_id, created_at FROM card_refunds WHERE id = $1 AND status = 'succeeded'",
      [res.body.externalRefund.id],
    );
    return {
      kind: 'refund',
      processorId: rows[0]!.processor_refund_id,
      ourId: res.body.externalRefund.id,
      amount,
      createdAt: rows[0]!.created_at,
    } as Processed;
  }

  const reconciliationCount = async () =>
    (await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reconciliations')).rows[0]!.n;
  const itemCount = async () =>
    (await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reconciliation_items')).rows[0]!.n;

  async function alertsFor(reconciliationId: string) {
    await t.container.services.admin.monitoring.idle();
    const res = await t.http().get('/api/v1/admin/alerts').query({ rule: 'reconciliation_mismatch', limit: 100 }).set(admin);
    expect(res.status).toBe(200);
    return (res.body.data as { subjectId: string; details: Record<string, unknown> }[]).filter((a) => a.subjectId === reconciliationId);
  }

  // Records are made afresh in each test, after the previous test's: a file's period (its first to
  // its last date) holds only the records of its own test.
  it('when a generated file has every kind of difference, then each row gets its result, the counts are right, and one alert is raised', async () => {
    const c1 = await charge('5000');
    const c2 = await charge('2500');
    const left = await charge('700'); // charged, but the file will not list it
    const leftRefund = await refund(left, '300'); // refunded to the card, not listed either
    const c3 = await charge('1000');
    const r1 = await refund(c1, '1200');
    const file = [
      OCP_HEADER,
      ocpRow(c1.record),
      ocpRow(c2.record, '25.01'), // one cent more than we charged
      ocpRow(c3.record, '10.00', 'EUR'), // the same amount in another currency
      `ch_not_ours_${randomUUID().slice(0, 8)},charge,3.00,USD,0.10,${c2.record.createdAt.toISOString()}`,
      ocpRow(r1),
    ].join('\n');

    const res = await upload(file);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^rcn_/),
      processor: 'sandbox',
      format: 'ocp',
      fileRows: 5,
      ignoredRows: 0,
      periodStart: c1.record.createdAt.toISOString(),
      periodEnd: r1.createdAt.toISOString(),
      counts: { matched: 2, amount_mismatch: 2, missing_ours: 1, missing_theirs: 2 },
    });
    const id = res.body.id as string;

    const summary = await t.http().get(`/api/v1/admin/reconciliations/${id}`).set(roles.auditor);
    expect(summary.status).toBe(200);
    expect(summary.body.byKind).toEqual({
      charge: { matched: 1, amount_mismatch: 2, missing_ours: 1, missing_theirs: 1 },
      refund: { matched: 1, amount_mismatch: 0, missing_ours: 0, missing_theirs: 1 },
    });

    const items = await t.http().get(`/api/v1/admin/reconciliations/${id}/items`).set(roles.auditor);
    expect(items.status).toBe(200);
    expect(items.body.data.map((i: { result: string; processorId: string }) => [i.result, i.processorId])).toEqual([
      ['matched', c1.record.processorId],
      ['amount_mismatch', c2.record.processorId],
      ['amount_mismatch', c3.record.processorId],
      ['missing_ours', expect.stringMatching(/^ch_not_ours_/)],
      ['matched', r1.processorId],
      ['missing_theirs', left.record.processorId],
      ['missing_theirs', leftRefund.processorId],
    ]);
    expect(items.body.data[1]).toMatchObject({
      kind: 'charge',
      theirs: { line: 3, amount: '2501', currency: 'USD', fee: '30' },
      ours: { id: c2.record.ourId, amount: '2500', currency: 'USD' },
    });
    expect(items.body.data[3]).toMatchObject({ theirs: { line: 5, amount: '300' }, ours: null });
    expect(items.body.data[6]).toMatchObject({ kind: 'refund', theirs: null, ours: { id: leftRefund.ourId, amount: '300' } });

    const alerts = await alertsFor(id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toEqual({
      processor: 'sandbox',
      counts: { amount_mismatch: 2, missing_ours: 1, missing_theirs: 2 },
      byKind: summary.body.byKind,
    });
    // Counts only: no card data, token or processor id in the alert.
    const alertText = JSON.stringify(alerts[0]);
    for (const secret of ['4242', c1.token.id, c1.record.processorId]) expect(alertText).not.toContain(secret);

    expect(await auditRows(t, { action: 'reconciliation.upload', targetId: id })).toEqual([
      expect.objectContaining({ outcome: 'succeeded', target_type: 'reconciliation' }),
    ]);
  });

  /** A card payout through the API, paid by the sandbox; its processor id and payment time as OCP keeps them. */
  async function payout(amount: string) {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    await fund(t, wallet.id, amount);
    const token = await createCardToken(t, owner.auth, PAYOUT_CARDS.paid);
    const res = await createPayout(t, owner.auth, { walletId: wallet.id, amount, destination: { type: 'card', tokenId: token.id } });
    expect(res.status).toBe(201);
    const paid = await settledPayout(t, owner.auth, res.body.id);
    expect(paid.status).toBe('paid');
    const { rows } = await t.container.db.query<{ paid_at: Date }>('SELECT paid_at FROM payouts WHERE id = $1', [paid.id]);
    return { processorId: paid.processorPayoutId, ourId: paid.id, amount, paidAt: rows[0]!.paid_at };
  }

  it('when a file lists payouts, then they are matched against the payouts paid, and a paid payout it leaves out is missing_theirs', async () => {
    const p1 = await payout('1500');
    const p2 = await payout('800');
    const left = await payout('300');
    const p3 = await payout('2000');
    const row = (p: typeof p1, amount = dollars(p.amount)) => `${p.processorId},payout,${amount},USD,0,${p.paidAt.toISOString()}`;
    const res = await upload([OCP_HEADER, row(p1), row(p2, '8.01'), row(p3)].join('\n'));
    expect(res.status).toBe(201);
    expect(res.body.counts).toEqual({ matched: 2, amount_mismatch: 1, missing_ours: 0, missing_theirs: 1 });
    const items = await t.http().get(`/api/v1/admin/reconciliations/${res.body.id}/items`).set(admin);
    expect(items.body.data.map((i: { kind: string; result: string; processorId: string }) => [i.kind, i.result, i.processorId])).toEqual([
      ['payout', 'matched', p1.processorId],
      ['payout', 'amount_mismatch', p2.processorId],
      ['payout', 'matched', p3.processorId],
      ['payout', 'missing_theirs', left.processorId],
    ]);
    expect(items.body.data[3]).toMatchObject({ theirs: null, ours: { id: left.ourId, amount: '300' } });
  });

  it('when items are read by result, then pages follow the file order and the cursor walks them', async () => {
    const c1 = await charge('100');
    const c2 = await charge('200');
    const c3 = await charge('300');
    const res = await upload([OCP_HEADER, ocpRow(c1.record, '9.99'), ocpRow(c2.record), ocpRow(c3.record, '9.98')].join('\n'));
    expect(res.body.counts).toEqual({ matched: 1, amount_mismatch: 2, missing_ours: 0, missing_theirs: 0 });
    const page = (cursor?: string) =>
      t
        .http()
        .get(`/api/v1/admin/reconciliations/${res.body.id}/items`)
        .query({ result: 'amount_mismatch', limit: 1, ...(cursor ? { cursor } : {}) })
        .set(admin);
    const first = await page();
    expect(first.body.data.map((i: { processorId: string }) => i.processorId)).toEqual([c1.record.processorId]);
    const second = await page(first.body.nextCursor);
    expect(second.body.data.map((i: { processorId: string }) => i.processorId)).toEqual([c3.record.processorId]);
    expect(second.body.nextCursor).toBeNull();
    expect((await page('not-a-cursor')).status).toBe(400);
  });

  it('when every row matches, then no alert is raised', async () => {
    const c1 = await charge('4200');
    const r1 = await refund(c1, '200');
    const res = await upload([OCP_HEADER, ocpRow(c1.record), ocpRow(r1)].join('\r\n') + '\r\n');
    expect(res.status).toBe(201);
    expect(res.body.counts).toEqual({ matched: 2, amount_mismatch: 0, missing_ours: 0, missing_theirs: 0 });
    expect(await alertsFor(res.body.id)).toEqual([]);
  });

  it('when a Stripe balance-transaction export is uploaded, then its Source ids, signed amounts and lower-case currencies are read and other types are ignored', async () => {
    // Stripe writes times to the second: start on a fresh second so no earlier test's record is in the period.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const c1 = await charge('1999');
    const r1 = await refund(c1, '999');
    const c2 = await charge('500');
    const file = [
      STRIPE_HEADER,
      `txn_1,charge,${c1.record.processorId},19.99,0.88,19.11,usd,${stripeTime(c1.record.createdAt)},2026-12-08 00:00:00,"Top-up, card ending 4242"`,
      `txn_2,refund,${r1.processorId},-9.99,0.00,-9.99,usd,${stripeTime(r1.createdAt)},2026-12-08 00:00:00,REFUND FOR CHARGE`,
      `txn_3,stripe_fee,,-2.00,0.00,-2.00,usd,${stripeTime(r1.createdAt)},2026-12-08 00:00:00,Billing fee`,
      `txn_4,payment,${c2.record.processorId},5.01,0.30,4.71,usd,${stripeTime(c2.record.createdAt)},2026-12-08 00:00:00,"multi-line\ndescription"`,
    ].join('\n');
    const res = await upload(file);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      format: 'stripe',
      fileRows: 4,
      ignoredRows: 1,
      counts: { matched: 2, amount_mismatch: 1, missing_ours: 0, missing_theirs: 0 },
    });
    const items = await t.http().get(`/api/v1/admin/reconciliations/${res.body.id}/items`).set(admin);
    expect(
      items.body.data.map((i: { kind: string; result: string; theirs: { line: number; fee: string } }) => [
        i.kind,
        i.result,
        i.theirs.line,
      ]),
    ).toEqual([
      ['charge', 'matched', 2],
      ['refund', 'matched', 3],
      ['charge', 'amount_mismatch', 5],
    ]);
  });

  it('when the items are exported, then the CSV has one line per item with amounts in major units, filtered by result', async () => {
    const c1 = await charge('1234');
    const c2 = await charge('5678');
    const res = await upload([OCP_HEADER, ocpRow(c1.record), ocpRow(c2.record, '56.79')].join('\n'));
    const csv = await t.http().get(`/api/v1/admin/reconciliations/${res.body.id}/items.csv`).set(roles.auditor);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${res.body.id}-items.csv"`);
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'seq,kind,result,processor_id,line,their_amount,their_currency,their_fee,their_date,our_id,our_amount,our_currency,our_date',
    );
    expect(lines.slice(1)).toEqual([
      `0,charge,matched,${c1.record.processorId},2,12.34,USD,0.30,${c1.record.createdAt.toISOString()},${c1.record.ourId},12.34,USD,${c1.record.createdAt.toISOString()}`,
      `1,charge,amount_mismatch,${c2.record.processorId},3,56.79,USD,0.30,${c2.record.createdAt.toISOString()},${c2.record.ourId},56.78,USD,${c2.record.createdAt.toISOString()}`,
    ]);
    const mismatches = await t.http().get(`/api/v1/admin/reconciliations/${res.body.id}/items.csv?result=amount_mismatch`).set(admin);
    expect(mismatches.text.trimEnd().split('\n')).toHaveLength(2);
  });

  describe('a file that cannot be read exactly', () => {
    const date = '2026-12-01T10:00:00Z';
    const cases: [string, string | Buffer, number | null, RegExp][] = [
      ['a wrong header', 'id,kind,amount,currency,fee,date\nch_1,charge,1.00,USD,0,2026-12-01', 1, /header/],
      ['a NUL byte', `${OCP_HEADER}\nch_1,charge,1.00,USD,0,${date}\nch_2,charge,1.00,USD,0\u0000,${date}`, 3, /NUL/],
      ['a number past the maximum', `${OCP_HEADER}\nch_1,charge,99999999999999999999999.00,USD,0,${date}`, 2, /maximum/],
      ['an impossible date', `${OCP_HEADER}\nch_1,charge,1.00,USD,0,2026-02-30`, 2, /does not exist/],
      ['an impossible time', `${OCP_HEADER}\nch_1,charge,1.00,USD,0,2026-12-01T24:00:00Z`, 2, /does not exist/],
      ['more decimals than the currency has', `${OCP_HEADER}\nch_1,charge,10.5,JPY,0,${date}`, 2, /JPY has 0 decimal places/],
      ['an id twice', `${OCP_HEADER}\nch_1,charge,1.00,USD,0,${date}\nch_1,charge,2.00,USD,0,${date}`, 3, /twice \(first on line 2\)/],
      ['a row with a field too many', `${OCP_HEADER}\nch_1,charge,1.00,USD,0,${date},x`, 2, /7 fields/],
      ['an unknown type', `${OCP_HEADER}\nch_1,chargeback,1.00,USD,0,${date}`, 2, /type/],
      ['a negative amount', `${OCP_HEADER}\nch_1,charge,-1.00,USD,0,${date}`, 2, /negative/],
      ['an amount as a float exponent', `${OCP_HEADER}\nch_1,charge,1e3,USD,0,${date}`, 2, /decimal/],
      [
        'a Stripe refund written as money in',
        `${STRIPE_HEADER}\ntxn_1,refund,re_1,9.99,0,9.99,usd,2026-12-01 10:00,2026-12-03 00:00,x`,
        2,
        /negative/,
      ],
      [
        'bytes that are not UTF-8',
        Buffer.concat([Buffer.from(`${OCP_HEADER}\n`), Buffer.from([0x63, 0xff, 0xfe]), Buffer.from(`,charge,1.00,USD,0,${date}`)]),
        2,
        /UTF-8/,
      ],
      ['a header and no rows', `${OCP_HEADER}\n`, 1, /no rows/],
      ['nothing', '', 1, /empty/],
    ];

    it.each(cases)(
      'when it has %s, then 400 settlement_file_invalid names the line and nothing is stored',
      async (_name, file, line, reason) => {
        const [before, itemsBefore, auditBefore] = [
          await reconciliationCount(),
          await itemCount(),
          (await auditRows(t, { action: 'reconciliation.upload' })).length,
        ];
        const res = await upload(file);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'settlement_file_invalid', details: { line, reason: expect.stringMatching(reason) } });
        expect([await reconciliationCount(), await itemCount()]).toEqual([before, itemsBefore]);
        expect(await auditRows(t, { action: 'reconciliation.upload' })).toHaveLength(auditBefore);
      },
    );

    it('when it is not sent as text/csv, then 415 and nothing is stored', async () => {
      const before = await reconciliationCount();
      const res = await t.http().post('/api/v1/admin/reconciliations').set(admin).send({ file: 'id,type' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('settlement_file_not_csv');
      expect(await reconciliationCount()).toBe(before);
    });

    it('when it is larger than 5 MiB, then 413 and nothing is stored', async () => {
      const before = await reconciliationCount();
      const res = await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 'a'));
      expect(res.status).toBe(413);
      expect(await reconciliationCount()).toBe(before);
    });
  });

  describe('permissions', () => {
    const file = `${OCP_HEADER}\nch_perm_${randomUUID().slice(0, 8)},charge,1.00,USD,0,2026-12-01T10:00:00Z`;

    it('when support or a user uploads or reads, then 403 and nothing is stored', async () => {
      const before = await reconciliationCount();
      for (const auth of [roles.support, roles.user]) {
        expect((await upload(file, auth)).status).toBe(403);
        expect((await t.http().get('/api/v1/admin/reconciliations').set(auth)).status).toBe(403);
      }
      expect(await reconciliationCount()).toBe(before);
    });

    it('when an auditor uploads, then 403; when finance uploads, then the auditor reads it in the list', async () => {
      expect((await upload(file, roles.auditor)).status).toBe(403);
      const res = await upload(file, roles.finance);
      expect(res.status).toBe(201);
      const list = await t.http().get('/api/v1/admin/reconciliations').query({ limit: 1 }).set(roles.auditor);
      expect(list.status).toBe(200);
      expect(list.body.data[0]).toMatchObject({ id: res.body.id, counts: { missing_ours: 1 } });
    });

    it('when a reconciliation does not exist, then 404', async () => {
      const res = await t.http().get('/api/v1/admin/reconciliations/rcn_missing/items').set(admin);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('reconciliation_not_found');
      expect((await t.http().get('/api/v1/admin/reconciliations/rcn_missing/items.csv').set(admin)).status).toBe(404);
    });
  });
});
