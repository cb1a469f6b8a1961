import type { Schemas } from '@ocp/sdk';
import type { CommandSpec } from '../command.js';
import { usageError } from '../errors.js';
import { money, orDash, renderFields, renderTable, when, type Column } from '../output.js';

type RefundRequest = Schemas['RefundRequest'];

const STATUSES = ['pending', 'approved', 'rejected'] as const;
type Status = (typeof STATUSES)[number];

const REFUND_COLUMNS: Column<RefundRequest>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'status', value: (r) => r.status },
  { header: 'amount', value: (r) => money(r.amount, r.currency), align: 'right' },
  { header: 'transaction', value: (r) => r.transactionId },
  { header: 'requested by', value: (r) => `${r.requestedBy} (${r.requestedByRole})` },
  { header: 'reason', value: (r) => r.reason },
  { header: 'created', value: (r) => when(r.createdAt) },
];

export const adminRefundsList: CommandSpec = {
  path: 'admin refunds list',
  summary: 'Refund requests, newest first (operators: admin:refunds:read)',
  options: {
    status: { type: 'string', placeholder: '<status>', help: `only ${STATUSES.join(', ')} ones (default: pending)` },
    limit: { type: 'string', placeholder: '<n>', help: 'how many (default 50)' },
  },
  examples: ['ocp admin refunds list', 'ocp admin refunds list --status approved --json'],
  async run(ctx, flags) {
    const status = (flags.string('status') ?? 'pending') as Status;
    if (!STATUSES.includes(status)) throw usageError(`--status must be one of ${STATUSES.join(', ')}`);
    const limit = flags.int('limit', 1, 10_000) ?? 50;
    const requests: RefundRequest[] = [];
    const pages = ctx.client().paginate('/api/v1/admin/refunds', { params: { query: { status, limit: Math.min(limit, 100) } } });
    for await (const request of pages) {
      requests.push(request);
      if (requests.length >= limit) break;
    }
    if (ctx.json) return ctx.printJson(requests);
    ctx.print(requests.length ? renderTable(requests, REFUND_COLUMNS) : `No ${status} refund requests.`);
  },
};

export const adminRefundsApprove: CommandSpec = {
  path: 'admin refunds approve',
  summary: 'Approve a pending refund request: the money goes back once (operators: admin:refunds:approve)',
  args: ['id'],
  options: {
    'idempotency-key': { type: 'string', placeholder: '<key>', help: 'repeat an approval safely (default: a new key)' },
  },
  details: ['Four eyes: the operator who opened a request cannot approve it; another one (finance) does.'],
  examples: ['ocp admin refunds approve rfr_2b9d...'],
  async run(ctx, flags, [id]) {
    const key = flags.string('idempotency-key');
    const decided = await ctx.client().post('/api/v1/admin/refunds/{id}/approve', {
      params: { path: { id: id! }, header: key ? { 'idempotency-key': key } : {} },
    });
    if (ctx.json) return ctx.printJson(decided);
    const { request, refund } = decided;
    ctx.print(
      renderFields([
        ['Request', request.id],
        ['Status', request.status],
        ['Refunded', money(refund.transfer.amount, refund.transfer.currency)],
        ['Refund transfer', refund.transfer.id],
        ['Of transaction', request.transactionId],
        ['Decided by', orDash(request.decidedBy)],
        ['Decided', when(request.decidedAt)],
      ]),
    );
  },
};
