import { z } from 'zod';
import { pageQuery } from '../../../shared/pagination';
import type { Customer, CustomerEntry, CustomerWallet } from './customer.repository';

export const customerQuery = pageQuery
  .extend({ q: z.string().trim().min(1).max(254).optional().meta({ description: 'A user id, or the start of an email' }) })
  .strict();

export const customerView = z
  .object({
    id: z.string(),
    email: z.string(),
    createdAt: z.string(),
    locked: z.boolean(),
    lockedAt: z.string().nullable(),
    lockedReason: z.string().nullable(),
  })
  .meta({ id: 'AdminCustomer' });

export const customerPageView = z.object({ data: z.array(customerView), nextCursor: z.string().nullable() });

export const customerWalletView = z
  .object({
    id: z.string(),
    currency: z.string(),
    balance: z.string(),
    status: z.enum(['active', 'frozen', 'closed']),
    frozenByOperator: z.boolean(),
    label: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminCustomerWallet' });

const entryView = z.object({
  id: z.string(),
  transferId: z.string(),
  walletId: z.string(),
  type: z.string(),
  status: z.string(),
  direction: z.enum(['debit', 'credit']),
  amount: z.string(),
  currency: z.string(),
  createdAt: z.string(),
});

export const customerProfileView = z
  .object({
    customer: customerView,
    wallets: z.array(customerWalletView),
    recentTransactions: z.array(entryView),
    agents: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'AdminCustomerProfile' });

export const customerHoldView = z.object({ customerId: z.string(), walletIds: z.array(z.string()) });

export const toCustomerView = (c: Customer) => ({
  id: c.id,
  email: c.email,
  createdAt: c.createdAt.toISOString(),
  locked: c.lockedAt !== null,
  lockedAt: c.lockedAt?.toISOString() ?? null,
  lockedReason: c.lockedReason,
});

export const toCustomerWalletView = (w: CustomerWallet) => ({
  id: w.id,
  currency: w.currency,
  balance: w.balance.toString(),
  status: w.status,
  frozenByOperator: w.adminHold,
  label: w.label,
  createdAt: w.createdAt.toISOString(),
});

export const toEntryView = (e: CustomerEntry) => ({
  id: e.id,
  transferId: e.transferId,
  walletId: e.walletId,
  type: e.type,
  status: e.status,
  direction: e.amount < 0n ? ('debit' as const) : ('credit' as const),
  amount: (e.amount < 0n ? -e.amount : e.amount).toString(),
  currency: e.currency,
  createdAt: e.createdAt.toISOString(),
});

/** Agent rows carry dates and maybe bigints: make them JSON. */
export const toAgentView = (a: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v]),
  );
