import { loadConfig } from '../../../src/config/config';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { createApplePayService } from '../../../src/modules/payment/apple-pay/apple-pay.module';
import { createGooglePayService } from '../../../src/modules/payment/google-pay/google-pay.module';
import { PaymentSessionService } from '../../../src/modules/payment/session/payment-session.service';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';

describe('mobile-wallet settings at start-up', () => {
  const cache = new MemoryCache();
  const sessions = new PaymentSessionService(cache, { get: () => Promise.reject(new Error('unused')) }, 60_000);
  afterAll(() => cache.close());

  it('when a key file setting points at a missing file, then start-up fails naming the setting and the path', () => {
    const config = loadConfig({ GOOGLE_PAY_PRIVATE_KEY_FILES: '/nonexistent/google.key' });
    expect(() => createGooglePayService(config, sessions)).toThrow(
      /GOOGLE_PAY_PRIVATE_KEY_FILES: cannot read \/nonexistent\/google.key \(ENOENT\)/,
    );
  });

  it('when a file holds something else than a key or certificate, then start-up fails without quoting the content', async () => {
    const fixtures = await createMobilePayFixtures();
    const secretish = fixtures.write('not-a-key.pem', 'SECRET-CONTENT-NOT-A-KEY');
    const config = loadConfig({ ...fixtures.env, APPLE_PAY_ROOT_CA_FILE: secretish });
    let message = '';
    try {
      createApplePayService(config, sessions);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/APPLE_PAY_ROOT_CA_FILE: .* does not hold what the setting expects/);
    expect(message).not.toContain('SECRET-CONTENT');
    const badKey = loadConfig({ ...fixtures.env, GOOGLE_PAY_PRIVATE_KEY_FILES: secretish });
    expect(() => createGooglePayService(badKey, sessions)).toThrow(/GOOGLE_PAY_PRIVATE_KEY_FILES/);
  });

  it('when every file is valid, then both services build', async () => {
    const config = loadConfig((await createMobilePayFixtures()).env);
    expect(() => createApplePayService(config, sessions)).not.toThrow();
    expect(() => createGooglePayService(config, sessions)).not.toThrow();
  });
});

describe('mobile-wallet services without settings', () => {
  const cache = new MemoryCache();
  const sessions = new PaymentSessionService(cache, { get: () => Promise.reject(new Error('unused')) }, 60_000);
  const principal = { sub: 'usr_1', role: 'user' as const, permissions: [], tenantId: DEFAULT_TENANT_ID };
  const input = { walletId: 'wal_1', amount: 100n, currency: 'USD' };
  afterAll(() => cache.close());

  it('when nothing is set, then every step names the first missing setting', async () => {
    const config = loadConfig({});
    const applePay = createApplePayService(config, sessions);
    const googlePay = createGooglePayService(config, sessions);
    const setting = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: { details?: { setting: string } }) => e.details?.setting,
      );
    expect(await setting(applePay.init(principal, input))).toBe('APPLE_PAY_MERCHANT_ID');
    expect(await setting(applePay.validateMerchant(principal, 'pses_x', 'https://apple-pay-gateway.apple.com/'))).toBe(
      'APPLE_PAY_MERCHANT_ID',
    );
    expect(await setting(applePay.verifyPayment(principal, 'pses_x', {}))).toBe('APPLE_PAY_MERCHANT_ID');
    expect(await setting(googlePay.init(principal, input))).toBe('GOOGLE_PAY_MERCHANT_ID');
    expect(await setting(googlePay.verifyPayment(principal, 'pses_x', {}))).toBe('GOOGLE_PAY_MERCHANT_ID');
    const withIds = loadConfig({ APPLE_PAY_MERCHANT_ID: 'merchant.x', GOOGLE_PAY_MERCHANT_ID: 'g' });
    expect(await setting(createApplePayService(withIds, sessions).validateMerchant(principal, 'pses_x', 'https://x'))).toBe(
      'APPLE_PAY_DOMAIN',
    );
    expect(await setting(createApplePayService(withIds, sessions).verifyPayment(principal, 'pses_x', {}))).toBe('APPLE_PAY_ROOT_CA_FILE');
    expect(await setting(createGooglePayService(withIds, sessions).init(principal, input))).toBe('GOOGLE_PAY_PRIVATE_KEY_FILES');
  });
});
