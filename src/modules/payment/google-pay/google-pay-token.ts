import { z } from 'zod';

const base64 = z
  .string()
  .min(1)
  .max(65_536)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const millis = z.string().regex(/^[0-9]{1,15}$/, 'must be milliseconds since the epoch');

/** A JSON document serialised into a string field, as Google signs the exact bytes of the string. */
const jsonString = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .max(65_536)
    .transform((text, ctx): z.infer<T> => {
      try {
        const parsed = schema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'is not the expected JSON document' });
      return z.NEVER;
    });

export const signedKeySchema = z.object({ keyValue: base64, keyExpiration: millis });
export const signedMessageSchema = z.object({ encryptedMessage: base64, ephemeralPublicKey: base64, tag: base64 });

/** The PaymentMethodToken (Google, "Payment data cryptography", ECv2). */
export const googlePayToken = z.object({
  protocolVersion: z.literal('ECv2'),
  signature: base64,
  intermediateSigningKey: z.object({
    signedKey: z.string().min(2).max(65_536),
    signatures: z.array(base64).min(1).max(10),
  }),
  signedMessage: z.string().min(2).max(65_536),
});

export type GooglePayToken = z.infer<typeof googlePayToken>;
export const parseSignedKey = jsonString(signedKeySchema);
export const parseSignedMessage = jsonString(signedMessageSchema);

/** The decrypted message. Never log or store in clear. */
export const decryptedGoogleMessage = z.object({
  gatewayMerchantId: z.string().optional(),
  messageExpiration: millis,
  messageId: z.string().max(1024),
  paymentMethod: z.literal('CARD'),
  paymentMethodDetails: z.object({
    pan: z.string().regex(/^[0-9]{12,19}$/),
    expirationMonth: z.number().int().min(1).max(12),
    expirationYear: z.number().int().min(2000).max(9999),
    authMethod: z.enum(['PAN_ONLY', 'CRYPTOGRAM_3DS']),
    cryptogram: z.string().optional(),
    eciIndicator: z.string().optional(),
  }),
});

/** Google's published root signing keys (keys.json). */
export const googleRootKeys = z.object({
  keys: z.array(z.object({ keyValue: base64, protocolVersion: z.string(), keyExpiration: millis.optional() })).min(1),
});

export type GoogleRootKey = z.infer<typeof googleRootKeys>['keys'][number];
