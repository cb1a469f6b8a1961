import type { Statement } from './balance-history.service';

export const STATEMENT_CSV_COLUMNS = [
  'row',
  'created_at',
  'entry_id',
  'transfer_id',
  'type',
  'amount',
  'balance',
  'currency',
  'counterparty_wallet_id',
  'description',
] as const;

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: free text that could start a formula gets a leading apostrophe; then RFC 4180 quoting. */
export function csvCell(value: string | null, freeText = false): string {
  let text = value ?? '';
  if (freeText && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A statement page as CSV (RFC 4180, CRLF): an `opening` row on the first page, one `entry` row
 * per entry with its signed amount and the balance it left, a `closing` row on the last page.
 * Only descriptions are free text: ids, types, amounts and times are ours.
 */
export function statementCsv(s: Statement, firstPage: boolean): string {
  const line = (cells: string[]) => `${cells.join(',')}\r\n`;
  const currency = s.currency;
  let csv = line([...STATEMENT_CSV_COLUMNS]);
  if (firstPage) csv += line(['opening', s.from.toISOString(), '', '', '', '', s.openingBalance.toString(), currency, '', '']);
  for (const e of s.entries) {
    csv += line([
      'entry',
      e.createdAt.toISOString(),
      e.id,
      e.transferId,
      csvCell(e.type, true),
      e.amount.toString(),
      e.balanceAfter.toString(),
      currency,
      e.counterpartyWalletId,
      csvCell(e.description, true),
    ]);
  }
  if (!s.next) csv += line(['closing', s.to.toISOString(), '', '', '', '', s.closingBalance.toString(), currency, '', '']);
  return csv;
}
