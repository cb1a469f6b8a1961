import { createPrivateKey } from 'node:crypto';
import type { Config } from '../../../config/config';
import { configured, missing } from '../configured';
import { checkedSettingFile, parseSettingFile } from '../load-file';
import type { PaymentSessionService } from '../session/payment-session.service';
import { GooglePayDecryptor } from './google-pay-decryptor';
import { googleRootKeys } from './google-pay-token';
import { GooglePayService } from './google-pay.service';

/**
 * Builds Google Pay from config. Key files are read once, at start-up: a set but unreadable file stops
 * the start (ConfigError); an unset one leaves that capability answering 503.
 */
export function createGooglePayService(config: Config, sessions: PaymentSessionService): GooglePayService {
  const merchantId = config.GOOGLE_PAY_MERCHANT_ID;
  const keyFiles = config.GOOGLE_PAY_PRIVATE_KEY_FILES ?? [];
  const privateKeysPem = keyFiles.map((file) => checkedSettingFile('GOOGLE_PAY_PRIVATE_KEY_FILES', file, (pem) => createPrivateKey(pem)));
  const rootKeys = config.GOOGLE_PAY_ROOT_KEYS_FILE
    ? parseSettingFile('GOOGLE_PAY_ROOT_KEYS_FILE', config.GOOGLE_PAY_ROOT_KEYS_FILE, (json) => googleRootKeys.parse(JSON.parse(json)).keys)
    : undefined;
  const build = (roots: typeof rootKeys = []) =>
    new GooglePayDecryptor({ recipientId: `merchant:${merchantId ?? ''}`, rootKeys: roots, privateKeysPem });

  const keys = privateKeysPem.length > 0 ? configured(build()) : missing<GooglePayDecryptor>('GOOGLE_PAY_PRIVATE_KEY_FILES');
  const decryptor = !merchantId
    ? missing<GooglePayDecryptor>('GOOGLE_PAY_MERCHANT_ID')
    : keys.missing !== undefined
      ? keys
      : !rootKeys
        ? missing<GooglePayDecryptor>('GOOGLE_PAY_ROOT_KEYS_FILE')
        : configured(build(rootKeys));
  return new GooglePayService(
    {
      merchantId: merchantId ? configured(merchantId) : missing('GOOGLE_PAY_MERCHANT_ID'),
      merchantName: config.PAYMENT_MERCHANT_NAME,
      environment: config.GOOGLE_PAY_ENVIRONMENT,
      countryCode: config.PAYMENT_MERCHANT_COUNTRY,
      allowedCardNetworks: config.GOOGLE_PAY_ALLOWED_CARD_NETWORKS,
      keys,
      decryptor,
    },
    sessions,
  );
}
