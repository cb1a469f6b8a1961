import type { Message } from '@a2a-js/sdk';
import { z } from 'zod';
import { currencyCode, positiveAmount } from '../../shared/money/money';
import { ValidationFailed } from '../../shared/errors';
import { SKILLS } from './agent-card';

const memo = z.string().trim().max(500).optional();
const mandate = z.string().min(1).max(8192).optional();

/** Pays the card's agent an amount the caller names… */
const payAmount = z
  .object({ skill: z.literal(SKILLS.receivePayment).optional(), amount: positiveAmount, currency: currencyCode, memo, mandate })
  .strict();
/** …or settles one of its payment requests (the amount comes from the request, never from the payer). */
const payRequest = z
  .object({ skill: z.literal(SKILLS.receivePayment).optional(), requestId: z.string().regex(/^preq_[A-Za-z0-9_-]{1,64}$/), mandate })
  .strict();
const requestPayment = z.object({ skill: z.literal(SKILLS.requestPayment), amount: positiveAmount, currency: currencyCode, memo }).strict();
const balance = z.object({ skill: z.literal(SKILLS.balance), limit: z.number().int().min(1).max(50).optional() }).strict();

export type SkillInput =
  | { skill: 'receive-payment'; input: z.infer<typeof payAmount> | z.infer<typeof payRequest> }
  | { skill: 'request-payment'; input: z.infer<typeof requestPayment> }
  | { skill: 'balance-and-history'; input: z.infer<typeof balance> };

/**
 * Reads the skill call from the message's first data part: `skill` picks the skill (receive-payment
 * when absent, the card agent's main skill). Errors: validation_failed naming the fields.
 */
export function readSkillInput(message: Message): SkillInput {
  const part = message.parts.find((p) => p.content?.$case === 'data');
  const data: unknown = part?.content?.$case === 'data' ? part.content.value : undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ValidationFailed('Send a data part (a JSON object) naming the skill and its fields; see the agent card', {
      fields: [{ field: 'parts', message: 'no data part' }],
    });
  }
  const skill = (data as { skill?: unknown }).skill ?? SKILLS.receivePayment;
  if (skill === SKILLS.requestPayment) return { skill, input: parse(requestPayment, data) };
  if (skill === SKILLS.balance) return { skill, input: parse(balance, data) };
  if (skill === SKILLS.receivePayment) {
    return { skill, input: 'requestId' in data ? parse(payRequest, data) : parse(payAmount, data) };
  }
  throw new ValidationFailed(`Unknown skill: ${JSON.stringify(skill).slice(0, 64)}`, {
    fields: [{ field: 'skill', message: 'unknown skill' }],
  });
}

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const fields = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: issue.message }))
      : [{ field: path, message: issue.message }];
  });
  throw new ValidationFailed(`Invalid skill input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields });
}
