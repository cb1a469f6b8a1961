import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Config } from '../../../config/config';
import { configured, missing, type Configured } from '../configured';
import { checkedSettingFile, parseSettingFile, readSettingFile } from '../load-file';
import type { PaymentSessionService } from '../session/payment-session.service';
import { ApplePayDecryptor } from './apple-pay-decryptor';
import { ApplePayService, type ApplePaySettings } from './apple-pay.service';
import { HttpsMerchantValidator, type MerchantValidator } from './merchant-validation';

/**
 * Builds Apple Pay from config. Files are read once, here, at start-up: a set but unreadable file
 * stops the start (ConfigError); an unset one leaves that capability answering 503.
 */
export function createApplePayService(config: Config, sessions: PaymentSessionService, validator?: MerchantValidator): ApplePayService {
  const merchantId = config.APPLE_PAY_MERCHANT_ID;
  const settings: ApplePaySettings = {
    merchantId: merchantId ? configured(merchantId) : missing('APPLE_PAY_MERCHANT_ID'),
    displayName: config.PAYMENT_MERCHANT_NAME,
    countryCode: config.PAYMENT_MERCHANT_COUNTRY,
    supportedNetworks: config.APPLE_PAY_SUPPORTED_NETWORKS,
    validation: validation(config, validator),
    decryptor: decryptor(config),
  };
  return new ApplePayService(settings, sessions);
}

function validation(config: Config, injected?: MerchantValidator): ApplePaySettings['validation'] {
  const domain = config.APPLE_PAY_DOMAIN;
  if (!domain) return missing('APPLE_PAY_DOMAIN');
  if (injected) return configured({ validator: injected, domain });
  const certFile = config.APPLE_PAY_MERCHANT_CERT_FILE;
  const keyFile = config.APPLE_PAY_MERCHANT_KEY_FILE;
  if (!certFile) return missing('APPLE_PAY_MERCHANT_CERT_FILE');
  if (!keyFile) return missing('APPLE_PAY_MERCHANT_KEY_FILE');
  const validator = new HttpsMerchantValidator({
    certPem: checkedSettingFile('APPLE_PAY_MERCHANT_CERT_FILE', certFile, (pem) => new X509Certificate(pem)),
    keyPem: checkedSettingFile('APPLE_PAY_MERCHANT_KEY_FILE', keyFile, (pem) => createPrivateKey(pem)),
    timeoutMs: config.APPLE_PAY_VALIDATION_TIMEOUT_MS,
  });
  return configured({ validator, domain });
}

function decryptor(config: Config): Configured<ApplePayDecryptor> {
  const merchantId = config.APPLE_PAY_MERCHANT_ID;
  if (!merchantId) return missing('APPLE_PAY_MERCHANT_ID');
  if (!config.APPLE_PAY_ROOT_CA_FILE) return missing('APPLE_PAY_ROOT_CA_FILE');
  const keyFiles = config.APPLE_PAY_PROCESSING_KEY_FILES ?? [];
  if (keyFiles.length === 0) return missing('APPLE_PAY_PROCESSING_KEY_FILES');
  const root = parseSettingFile('APPLE_PAY_ROOT_CA_FILE', config.APPLE_PAY_ROOT_CA_FILE, (pem) => new X509Certificate(pem));
  const privateKeysPem = keyFiles.map((file) => readSettingFile('APPLE_PAY_PROCESSING_KEY_FILES', file));
  for (const [i, pem] of privateKeysPem.entries()) {
    parseSettingFile('APPLE_PAY_PROCESSING_KEY_FILES', keyFiles[i]!, () => createPrivateKey(pem));
  }
  return configured(
    new ApplePayDecryptor({ merchantId, root, privateKeysPem, signingTimeToleranceMs: config.APPLE_PAY_SIGNING_TIME_TOLERANCE_MS }),
  );
}
