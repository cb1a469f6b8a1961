import { createWallet, transfer } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { appleToken, googleToken, openSession, processPayment } from '../../support/mobile-payments';
import { createCardToken, fundWithCard, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const PAN = TEST_CARDS.approved;
const CVC = '987';
const EXP_YEAR = new Date().getUTCFullYear() + 4;

/** Every text value of every row of every table in the test's schema, as one string. */
async function dumpDatabase(t: TestApp): Promise<string> {
  const { rows: tables } = await t.container.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await t.container.db.query(`SELECT * FROM "${table_name}"`);
    parts.push(`${table_name}:${JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
  return parts.join('\n');
}

describe('PCI: card data never reaches the database in clear, the logs or a response', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp({ LOG_LEVEL: 'silly', ...fixtures.env });
  });
  afterAll(() => t.close());

  it(`when a wallet is funded with ${PAN}, then neither the dump of every table nor the logs hold the PAN, the CVC or expiry+PAN`, async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const sink = await createWallet(t, bob);
    const responses: string[] = [];

    const tokenized = await t
      .http()
      .post('/api/v1/tokens')
      .set(alice.auth)
      .send({ type: 'card', data: { number: PAN, expMonth: 7, expYear: EXP_YEAR, cvc: CVC } });
    expect(tokenized.status).toBe(201);
    responses.push(tokenized.text);
    // A refused card (bad CVC) and a malformed body go through the error paths too.
    responses.push(
      (
        await t
          .http()
          .post('/api/v1/tokens')
          .set(alice.auth)
          .send({ type: 'card', data: { number: PAN, expMonth: 7, expYear: EXP_YEAR, cvc: '1' } })
      ).text,
    );
    responses.push(
      (
        await t
          .http()
          .post('/api/v1/tokens')
          .set(alice.auth)
          .send({ type: 'card', data: { number: PAN, expMonth: 7, expYear: EXP_YEAR, cvc: CVC, extra: PAN } })
      ).text,
    );

    const funded = await fundWithCard(t, alice.auth, wallet.id, { tokenId: tokenized.body.id, amount: '5000' });
    expect(funded.status).toBe(201);
    responses.push(funded.text, (await t.http().get(`/api/v1/tokens/${tokenized.body.id}`).set(alice.auth)).text);

    await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(alice.auth)
      .send({ enabled: true, threshold: '4000', amount: '2000', tokenId: tokenized.body.id });
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '1500' });
    await t.container.funding.autoTopUp.idle();
    const declined = await createCardToken(t, alice.auth, TEST_CARDS.declined);
    responses.push((await fundWithCard(t, alice.auth, wallet.id, { tokenId: declined.id, amount: '100' })).text);

    const dump = await dumpDatabase(t);
    const logs = t.logs.text();
    expect(dump).toContain('token_vault'); // the dump really covers the vault
    expect(dump).toContain(`"last4":"4242"`);
    expect(logs).toContain('payment token created'); // and the logs really were captured
    const forbidden = [
      PAN,
      '4000000000000002',
      `"cvc":"${CVC}"`,
      `${PAN}${7}${EXP_YEAR}`,
      `${PAN}|07/${EXP_YEAR}`,
      `0${7}${String(EXP_YEAR).slice(2)}${PAN}`,
    ];
    for (const secret of forbidden) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const body of responses) expect(body).not.toContain(secret);
    }
  });

  it(`when Apple Pay and Google Pay fund wallets with DPAN ${PAN}, then neither the dump, the logs nor a response holds the DPAN, the cryptogram or the decrypted payment data`, async () => {
    const responses: string[] = [];
    const apple = await openSession(t, 'apple-pay');
    const appleRes = await processPayment(t, 'apple-pay', apple.user.auth, {
      sessionId: apple.sessionId,
      paymentData: appleToken(fixtures, { pan: PAN }),
    });
    expect(appleRes.status).toBe(201);
    const google = await openSession(t, 'google-pay');
    const googleRes = await processPayment(t, 'google-pay', google.user.auth, {
      sessionId: google.sessionId,
      paymentData: googleToken(fixtures, { pan: PAN }),
    });
    expect(googleRes.status).toBe(201);
    // Refusals and a decline go through the error paths with decrypted data in hand.
    const declined = await openSession(t, 'google-pay');
    responses.push(
      appleRes.text,
      googleRes.text,
      (
        await processPayment(t, 'google-pay', declined.user.auth, {
          sessionId: declined.sessionId,
          paymentData: googleToken(fixtures, { pan: '4000000000000002' }),
        })
      ).text,
      (
        await processPayment(t, 'apple-pay', apple.user.auth, {
          sessionId: apple.sessionId,
          paymentData: appleToken(fixtures, { pan: PAN }),
        })
      ).text,
      (await t.http().get(`/api/v1/tokens/${appleRes.body.charge.tokenId}`).set(apple.user.auth)).text,
    );

    const dump = await dumpDatabase(t);
    const logs = t.logs.text();
    expect(dump).toContain('"purpose":"apple_pay"'); // the dump covers the mobile-wallet charges
    expect(dump).toContain('"purpose":"google_pay"');
    const forbidden = [
      PAN,
      '4000000000000002',
      'AOHsBnMAAnq+oWBSlWOCAoABFA==', // Apple onlinePaymentCryptogram
      'AOHsBnMAAnq',
      'AAAAAA8xTVJ0UWdR9kYAAAA=', // Google cryptogram
      'AAAAAA8xTVJ0UWdR9kYAAAA',
      'applicationPrimaryAccountNumber', // decrypted Apple payment data
      'onlinePaymentCryptogram',
      'paymentMethodDetails', // decrypted Google payment data
      'AH2EjtfQ2jVOMgGlDtCq8bAz', // Google messageId, only inside the encrypted message
      '040010030273', // Apple deviceManufacturerIdentifier
    ];
    for (const secret of forbidden) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const body of responses) expect(body).not.toContain(secret);
    }
  });
});
