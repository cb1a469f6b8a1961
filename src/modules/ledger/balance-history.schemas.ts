import { z } from 'zod';
import { isoInstant } from '../../shared/instant';
import { queryInt } from '../../shared/query-int';
import type { StatementEntry } from './balance-history.repository';
import { STATEMENT_PAGE_DEFAULT, STATEMENT_PAGE_MAX, type BalanceAt, type Statement } from './balance-history.service';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A statement cursor: the id of the last entry of the page before. Opaque to clients, and it names
 * no position in the ledger as a whole: the entries' order column counts every tenant's postings.
 */
export function encodeStatementCursor(entryId: string): string {
  return Buffer.from(entryId).toString('base64url');
}

function decodeStatementCursor(raw: string): string | null {
  const entryId = Buffer.from(raw, 'base64url').toString('utf8');
  return ENTRY_ID.test(entryId) ? entryId : null;
}

export const balanceQuery = z
  .object({
    at: isoInstant.optional().meta({ description: 'An ISO 8601 instant with an offset, not in the future; absent: now' }),
  })
  .strict();

export const statementQuery = z
  .object({
    from: isoInstant.meta({ description: 'Start of the window (inclusive), ISO 8601 with an offset' }),
    to: isoInstant.optional().meta({ description: 'End of the window (exclusive), not in the future; absent: now' }),
    format: z.enum(['json', 'csv']).optional().meta({ description: 'csv, or send Accept: text/csv; default json' }),
    limit: queryInt(1, STATEMENT_PAGE_MAX).default(STATEMENT_PAGE_DEFAULT),
    cursor: z
      .string()
      .max(200)
      .transform((raw, ctx) => decodeStatementCursor(raw) ?? (ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' }), z.NEVER))
      .optional()
      .meta({ description: 'The nextCursor of the previous page' }),
  })
  .strict();

export const balanceAtView = z
  .object({
    walletId: z.string(),
    currency: z.string(),
    balance: z.string().meta({ description: 'Minor units', example: '1050' }),
    at: z.string(),
  })
  .meta({ id: 'BalanceAt' });

const statementEntryView = z.object({
  id: z.string(),
  transferId: z.string(),
  type: z.string(),
  amount: z.string().meta({ description: 'Signed minor units: debits are negative', example: '-250' }),
  balanceAfter: z.string().meta({ description: 'The running balance after this entry' }),
  counterpartyWalletId: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
});

export const statementView = z
  .object({
    walletId: z.string(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    openingBalance: z.string(),
    closingBalance: z.string(),
    entries: z.array(statementEntryView),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Statement' });

export function toBalanceAtView(b: BalanceAt) {
  return { walletId: b.walletId, currency: b.currency, balance: b.balance.toString(), at: b.at.toISOString() };
}

function toStatementEntryView(e: StatementEntry) {
  return {
    id: e.id,
    transferId: e.transferId,
    type: e.type,
    amount: e.amount.toString(),
    balanceAfter: e.balanceAfter.toString(),
    counterpartyWalletId: e.counterpartyWalletId,
    description: e.description,
    createdAt: e.createdAt.toISOString(),
  };
}

export function toStatementView(s: Statement) {
  return {
    walletId: s.walletId,
    currency: s.currency,
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    openingBalance: s.openingBalance.toString(),
    closingBalance: s.closingBalance.toString(),
    entries: s.entries.map(toStatementEntryView),
    nextCursor: s.next ? encodeStatementCursor(s.next) : null,
  };
}
