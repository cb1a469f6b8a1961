import { z } from 'zod';

/**
 * The x402 v2 facilitator interface's messages (x402 specification v2, "Facilitator API"; the shapes
 * @x402/core 2.27's HTTPFacilitatorClient sends and parses). OCP's own zod 4 schemas: the SDK's zod 3
 * schemas stay inside the SDK. Unknown fields are kept (`loose`): a later minor version may add some.
 */
export const X402_VERSION = 2;

export const paymentRequirements = z
  .object({
    scheme: z.string().min(1).max(64),
    network: z.string().min(1).max(128),
    amount: z.string().min(1).max(80),
    asset: z.string().min(1).max(128),
    payTo: z.string().min(1).max(128),
    maxTimeoutSeconds: z.number().positive(),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .meta({ id: 'X402PaymentRequirements' });

export const paymentPayload = z
  .object({
    x402Version: z.literal(X402_VERSION),
    resource: z.unknown().optional(),
    accepted: paymentRequirements,
    payload: z.record(z.string(), z.unknown()),
    extensions: z.unknown().optional(),
  })
  .loose()
  .meta({ id: 'X402PaymentPayload' });

export const facilitatorRequest = z
  .object({ x402Version: z.literal(X402_VERSION), paymentPayload, paymentRequirements })
  .loose()
  .meta({ id: 'X402FacilitatorRequest' });

export type PaymentRequirements = z.infer<typeof paymentRequirements>;
export type PaymentPayload = z.infer<typeof paymentPayload>;
export type FacilitatorRequest = z.infer<typeof facilitatorRequest>;

/** The `exact` scheme's EVM payload: an EIP-3009 authorization and its signature. */
const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`));
const uint256 = z.string().regex(/^\d{1,78}$/);
export const exactEvmPayload = z.object({
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  authorization: z.object({
    from: hex(20),
    to: hex(20),
    value: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: hex(32),
  }),
});

export const verifyResponse = z
  .object({
    isValid: z.boolean(),
    invalidReason: z.string().optional(),
    payer: z.string().optional(),
  })
  .meta({ id: 'X402VerifyResponse' });

export const settleResponse = z
  .object({
    success: z.boolean(),
    errorReason: z.string().optional(),
    payer: z.string().optional(),
    transaction: z.string(),
    network: z.string(),
    amount: z.string().optional(),
  })
  .meta({ id: 'X402SettleResponse' });

export const supportedResponse = z
  .object({
    kinds: z.array(
      z.object({ x402Version: z.number(), scheme: z.string(), network: z.string(), extra: z.record(z.string(), z.unknown()).optional() }),
    ),
    extensions: z.array(z.string()),
    signers: z.record(z.string(), z.array(z.string())),
  })
  .meta({ id: 'X402SupportedResponse' });

export type VerifyResponse = z.infer<typeof verifyResponse>;
export type SettleResponse = z.infer<typeof settleResponse>;
export type SupportedResponse = z.infer<typeof supportedResponse>;
