import { idParams } from '../../../http/params';
import { z } from 'zod';
import type { Api } from '../../../http/api';
import { currencyCode } from '../../../shared/money/money';
import { constraintsInput } from './mandate.constraints';
import { intentInput } from './mandate.intent';
import type { MandateService } from './mandate.service';
import { isoInstant } from '../../../shared/instant';

const registerKeyBody = z
  .object({ publicJwk: z.record(z.string(), z.unknown()).meta({ description: 'An EC P-256 public key as a JWK (kty, crv, x, y)' }) })
  .strict();

const issueBody = z
  .object({
    constraints: constraintsInput.optional().meta({ description: 'An open payment mandate (give this or intent)' }),
    currency: currencyCode.optional().meta({ description: 'With constraints only: the one currency the mandate allows' }),
    intent: intentInput.optional().meta({ description: 'An AP2 IntentMandate (give this or constraints)' }),
    expiresAt: isoInstant,
  })
  .strict()
  .refine((b) => (b.constraints === undefined) !== (b.intent === undefined), {
    message: 'give either constraints (an open payment mandate) or intent (an AP2 IntentMandate)',
    path: ['intent'],
  })
  .refine((b) => b.intent === undefined || b.currency === undefined, {
    message: "an intent's currency is max_amount.currency",
    path: ['currency'],
  })
  // zod 4 runs an object's refinements even when a field failed: expiresAt may still be the raw string.
  .refine((b) => !(b.expiresAt instanceof Date) || b.expiresAt.getTime() > Date.now(), {
    message: 'must be in the future',
    path: ['expiresAt'],
  });

const keyView = z.object({ kid: z.string(), publicJwk: z.record(z.string(), z.unknown()), createdAt: z.string() });
const mandateView = z.object({
  mandate: z.string().meta({ description: 'Compact JWS (ES256); pass it as `mandate` with a payment' }),
  mandateId: z.string(),
  mandateHash: z.string(),
  kid: z.string(),
  expiresAt: z.string(),
});

export function mandateRoutes(api: Api, mandates: MandateService): void {
  api.route({
    method: 'post',
    path: '/agents/mandate-keys',
    summary: "Register the owner's P-256 public key; mandates signed with it (kid in the JWS header) bind the owner's agents",
    tags: ['agents'],
    permission: 'agent:manage',
    body: registerKeyBody,
    responses: { 201: { description: 'The key id to put in the JWS header', schema: keyView } },
    handler: async ({ body, principal }) => {
      const key = await mandates.registerKey(principal, body.publicJwk);
      return { status: 201, body: { kid: key.kid, publicJwk: key.publicJwk, createdAt: key.createdAt.toISOString() } };
    },
  });

  api.route({
    method: 'post',
    path: '/agents/:id/mandates',
    summary: 'OCP signs an open payment mandate or an AP2 intent mandate for one of your agents, with a key it holds for you',
    tags: ['agents'],
    permission: 'agent:manage',
    params: idParams,
    body: issueBody,
    responses: { 201: { description: 'The signed mandate', schema: mandateView } },
    handler: async ({ params, body, principal }) => {
      const { constraints, currency, intent, expiresAt } = body;
      const request = intent ? { intent, expiresAt } : { constraints: constraints!, expiresAt, ...(currency ? { currency } : {}) };
      const issued = await mandates.issue(principal, params.id, request);
      return { status: 201, body: { ...issued, expiresAt: issued.expiresAt.toISOString() } };
    },
  });
}
