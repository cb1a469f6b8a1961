import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplePayAuthority, createMerchantKey } from './apple-pay-token';
import { createGooglePayKeys } from './google-pay-token';

export const APPLE_MERCHANT_ID = 'merchant.org.ocp.test';
export const GOOGLE_MERCHANT_ID = '12345678901234567890';

/**
 * Everything the mobile-wallet settings point at, generated for one test file and written to a
 * temporary folder: Apple's root (and the intermediate and leaf that sign tokens), the Apple Pay
 * processing key, Google's root keys and the merchant's ECv2 key.
 */
export async function createMobilePayFixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-mobile-pay-'));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const apple = await createApplePayAuthority();
  const appleMerchant = createMerchantKey();
  const google = createGooglePayKeys();
  const env = {
    APPLE_PAY_MERCHANT_ID: APPLE_MERCHANT_ID,
    APPLE_PAY_DOMAIN: 'shop.ocp.test',
    APPLE_PAY_ROOT_CA_FILE: write('apple-root.pem', apple.root.pem),
    APPLE_PAY_PROCESSING_KEY_FILES: write('apple-processing.key', appleMerchant.privateKeyPem),
    GOOGLE_PAY_MERCHANT_ID: GOOGLE_MERCHANT_ID,
    GOOGLE_PAY_ROOT_KEYS_FILE: write('google-root-keys.json', JSON.stringify(google.rootKeysJson)),
    GOOGLE_PAY_PRIVATE_KEY_FILES: write('google-merchant.key', google.merchantPrivateKeyPem),
  };
  return { env, apple, appleMerchant, google, write };
}
