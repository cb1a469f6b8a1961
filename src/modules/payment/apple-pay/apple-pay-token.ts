import { z } from 'zod';

const base64 = z
  .string()
  .min(1)
  .max(65_536)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const hex = z
  .string()
  .max(1024)
  .regex(/^([0-9a-fA-F]{2})*$/, 'must be hex');

/** The PKPaymentToken's `paymentData` for EC_v1 (Apple, "Payment token format reference"). */
export const applePayPaymentData = z.object({
  version: z.literal('EC_v1'),
  data: base64,
  signature: base64,
  header: z.object({
    ephemeralPublicKey: base64,
    publicKeyHash: base64,
    transactionId: hex.min(2),
    applicationData: hex.optional(),
  }),
});

export type ApplePayPaymentData = z.infer<typeof applePayPaymentData>;

/** The decrypted payment data: a device PAN and the 3-D Secure cryptogram. Never log or store in clear. */
export const decryptedApplePayment = z.object({
  applicationPrimaryAccountNumber: z.string().regex(/^[0-9]{12,19}$/),
  applicationExpirationDate: z.string().regex(/^[0-9]{6}$/),
  currencyCode: z.string().regex(/^[0-9]{3}$/),
  transactionAmount: z.number().int().nonnegative(),
  deviceManufacturerIdentifier: z.string().optional(),
  cardholderName: z.string().optional(),
  paymentDataType: z.enum(['3DSecure', 'EMV']),
  paymentData: z.object({
    onlinePaymentCryptogram: z.string().optional(),
    eciIndicator: z.string().optional(),
    emvData: z.string().optional(),
    encryptedPINData: z.string().optional(),
  }),
});

export type DecryptedApplePayment = z.infer<typeof decryptedApplePayment>;
