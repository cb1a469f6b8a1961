import { randomUUID } from 'node:crypto';
import { OcpError } from '@ocp/sdk';
import type { CommandSpec } from '../command.js';
import { usageError } from '../errors.js';
import { money, renderFields, when } from '../output.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const transfer: CommandSpec = {
  path: 'transfer',
  summary: 'Move money between two wallets, exactly once',
  options: {
    from: { type: 'string', placeholder: '<wallet>', help: 'the wallet to debit (yours)', required: true },
    to: { type: 'string', placeholder: '<wallet>', help: 'the wallet to credit', required: true },
    amount: {
      type: 'string',
      placeholder: '"<amount> <currency>"',
      help: 'e.g. "10.50 USD"; more decimals than the currency has is refused',
      required: true,
    },
    description: { type: 'string', placeholder: '<text>', help: 'shown on both transactions' },
    'idempotency-key': { type: 'string', placeholder: '<key>', help: 'repeat a transfer safely: the same key never moves money twice' },
  },
  details: [
    'The amount is converted to minor units exactly ("10.50 USD" is 1050 cents), never through floating point.',
    'The Idempotency-Key used is printed (in the error line when the outcome is unknown): run the same command with',
    '--idempotency-key <key> to retry after a timeout or a lost connection without paying twice.',
  ],
  examples: [
    'ocp transfer --from wal_a --to wal_b --amount "10.50 USD"',
    'ocp transfer --from wal_a --to wal_b --amount "10.50 USD" --idempotency-key 6c0f...',
  ],
  async run(ctx, flags) {
    const fromWalletId = flags.required('from');
    const toWalletId = flags.required('to');
    flags.required('amount');
    const amount = flags.amount('amount')!;
    const description = flags.string('description');
    const given = flags.string('idempotency-key');
    if (given !== undefined && !IDEMPOTENCY_KEY.test(given))
      throw usageError('--idempotency-key must be 1 to 255 printable ASCII characters');
    let key = given;
    // The SDK makes the key when none is given; this records it so it can be printed for a retry.
    const client = ctx.client({ idempotencyKey: () => (key = randomUUID()) });
    let posted;
    try {
      posted = await client.post('/api/v1/wallet/transfer', {
        params: { header: given ? { 'idempotency-key': given } : {} },
        body: { fromWalletId, toWalletId, amount: amount.amount, currency: amount.currency, ...(description ? { description } : {}) },
      });
    } catch (error) {
      throw withRetryHint(error, key);
    }
    if (ctx.json) return ctx.printJson({ ...posted, idempotencyKey: key });
    if ('holdId' in posted) {
      // 202: held for an operator's risk review; the money is reserved until they decide.
      ctx.print(
        renderFields([
          ['Status', posted.status],
          ['Review', posted.reviewId],
          ['Hold', posted.holdId],
          ['Idempotency-Key', key ?? ''],
        ]),
      );
      return;
    }
    const t = posted.transfer;
    ctx.print(
      renderFields([
        ['Transfer', t.id],
        ['Amount', money(t.amount, t.currency)],
        ['From', t.fromWalletId],
        ['To', t.toWalletId],
        ['Status', t.status],
        ['Balance after', money(posted.debit.balanceAfter, posted.debit.currency)],
        ['Created', when(t.createdAt)],
        ['Idempotency-Key', key ?? ''],
      ]),
    );
  },
};

/** No answer, or a failure on OCP's side: the transfer may or may not have happened, and the key settles it. */
function withRetryHint(error: unknown, key: string | undefined): unknown {
  if (!key || !(error instanceof OcpError) || (error.status !== 0 && error.status < 500)) return error;
  const hint = `; retry with --idempotency-key ${key} so it happens at most once`;
  return new OcpError(error.status, error.code, `${error.message}${hint}`, error.requestId, error.details);
}
