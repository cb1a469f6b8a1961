import { z } from 'zod';
import { currencyCode, positiveAmount } from '../../../shared/money/money';
import { pageQuery } from '../../../shared/pagination';
import { TRANSFER_STATUSES, toTransferView, transferView, type Transfer } from '../../ledger';
import { resourceId as id } from '../../../http/params';
import { isoDate } from '../admin.schemas';
import type { Alert } from './monitoring.repository';

const RULES = [
  'large_movement',
  'velocity',
  'repeated_declines',
  'agent_policy_refusals',
  'reconciliation_mismatch',
  'risk_review',
] as const;

export const transactionSearchQuery = pageQuery
  .extend({
    status: z.enum(TRANSFER_STATUSES).optional(),
    type: z
      .string()
      .regex(/^[a-z_0-9]{1,40}$/)
      .optional(),
    currency: currencyCode.optional(),
    minAmount: positiveAmount.optional(),
    maxAmount: positiveAmount.optional(),
    walletId: id.optional(),
    customerId: id.optional(),
    initiatedBy: id.optional().meta({ description: 'A user, agent, API client or operator id' }),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

export const adminTransferView = transferView.extend({ initiatedBy: z.string() }).meta({ id: 'AdminTransfer' });

export const adminTransferPageView = z.object({ data: z.array(adminTransferView), nextCursor: z.string().nullable() });

export const toAdminTransferView = (t: Transfer) => ({ ...toTransferView(t), initiatedBy: t.initiatedBy });

export const alertQuery = pageQuery.extend({ status: z.enum(['open', 'resolved']).optional(), rule: z.enum(RULES).optional() }).strict();

export const resolveAlertBody = z.object({ note: z.string().trim().min(1).max(1000) }).strict();

export const alertView = z
  .object({
    id: z.string(),
    rule: z.enum(RULES),
    subjectType: z.string(),
    subjectId: z.string(),
    details: z.record(z.string(), z.unknown()),
    status: z.enum(['open', 'resolved']),
    resolvedBy: z.string().nullable(),
    resolutionNote: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'MonitoringAlert' });

export const alertPageView = z.object({ data: z.array(alertView), nextCursor: z.string().nullable() });

export const toAlertView = (a: Alert) => ({
  ...a,
  resolvedAt: a.resolvedAt?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
});
