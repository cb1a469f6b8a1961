import { decimalToMinor } from '../../../shared/money/money';
import { isSupportedCurrency } from '../../../shared/money/currencies';
import { isInstantInRange } from '../../../shared/instant';
import { decodeUtf8, parseCsv, SettlementFileProblem, type CsvRecord } from './csv-records';
import type { SettlementKind } from './settlement-record-sources';

export type SettlementFormat = 'ocp' | 'stripe';

/** One row of a settlement file that names a charge, a refund or a payout. */
export interface SettlementRow {
  line: number;
  kind: SettlementKind;
  /** The processor's id of the charge, refund or payout. */
  processorId: string;
  /** Always positive or zero: the size of the movement, whatever sign the file wrote. */
  amountMinor: bigint;
  currency: string;
  /** As the file wrote it (a Stripe export may show a returned fee as negative). */
  feeMinor: bigint;
  occurredAt: Date;
}

export interface SettlementFile {
  format: SettlementFormat;
  rows: SettlementRow[];
  /** Rows of other types (a Stripe export's fees, adjustments, transfers): not reconciled. */
  ignoredRows: number;
}

/** Every bound of a file, so a hostile upload costs one bounded pass. */
export const SETTLEMENT_FILE_LIMITS = { recordsMax: 100_000, fieldsMax: 100, fieldCharsMax: 1_000 } as const;

/** OCP's own documented format. */
export const OCP_HEADER = ['id', 'type', 'amount', 'currency', 'fee', 'date'] as const;
/** The columns of a Stripe balance-transaction export that the reconciliation reads (others may follow). */
const STRIPE_COLUMNS = ['id', 'Type', 'Source', 'Amount', 'Fee', 'Currency', 'Created (UTC)'] as const;
const STRIPE_KINDS: Readonly<Record<string, SettlementKind>> = {
  charge: 'charge',
  payment: 'charge',
  refund: 'refund',
  payment_refund: 'refund',
  payout: 'payout',
};

// Processor ids as processors write them (ch_…, re_…, po_…, sbch_…): bounded, no spaces or quotes.
const PROCESSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_\-.:]{0,99}$/;
const SIGNED_DECIMAL = /^(-?)(\d+(?:\.\d+)?)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const STRIPE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads a settlement file: OCP's CSV (`id,type,amount,currency,fee,date`) or a Stripe
 * balance-transaction export, told apart by the header. Throws SettlementFileProblem naming the line
 * for anything it cannot take exactly: a wrong header, a NUL byte, an amount past the maximum or with
 * more decimals than its currency has, an impossible date, an id twice.
 */
export function readSettlementFile(bytes: Uint8Array): SettlementFile {
  const records = parseCsv(decodeUtf8(bytes), SETTLEMENT_FILE_LIMITS);
  const [header, ...body] = records;
  if (!header) throw new SettlementFileProblem(1, 'the file is empty');
  if (body.length === 0) throw new SettlementFileProblem(header.line, 'the file has a header but no rows');
  const names = header.fields.map((f) => f.trim());
  const file = isOcpHeader(names) ? readOcpRows(body) : isStripeHeader(names) ? readStripeRows(names, body) : undefined;
  if (!file) {
    throw new SettlementFileProblem(
      header.line,
      `the header is neither OCP's (${OCP_HEADER.join(',')}) nor a Stripe balance-transaction export (${STRIPE_COLUMNS.join(', ')}, ...)`,
    );
  }
  if (file.rows.length === 0) throw new SettlementFileProblem(header.line, 'no row names a charge, a refund or a payout');
  refuseDuplicates(file.rows);
  return file;
}

function isOcpHeader(names: string[]): boolean {
  return names.length === OCP_HEADER.length && OCP_HEADER.every((name, i) => names[i]!.toLowerCase() === name);
}

function isStripeHeader(names: string[]): boolean {
  return STRIPE_COLUMNS.every((name) => names.includes(name));
}

type OcpCells = [id: string, type: string, amount: string, currency: string, fee: string, date: string];

function readOcpRows(body: CsvRecord[]): SettlementFile {
  const rows = body.map(({ line, fields }) => {
    const [id, type, amount, currency, fee, date] = cells(line, fields, OCP_HEADER.length) as OcpCells;
    const kind = type === 'charge' || type === 'refund' || type === 'payout' ? type : fail(line, 'type must be charge, refund or payout');
    const code = currencyOf(line, currency);
    return {
      line,
      kind,
      processorId: processorIdOf(line, id),
      amountMinor: amountOf(line, 'amount', amount, code, 'positive'),
      currency: code,
      feeMinor: amountOf(line, 'fee', fee, code, 'positive'),
      occurredAt: isoDateOf(line, date),
    } satisfies SettlementRow;
  });
  return { format: 'ocp', rows, ignoredRows: 0 };
}

function readStripeRows(names: string[], body: CsvRecord[]): SettlementFile {
  const column = Object.fromEntries(STRIPE_COLUMNS.map((name) => [name, names.indexOf(name)])) as Record<
    (typeof STRIPE_COLUMNS)[number],
    number
  >;
  const rows: SettlementRow[] = [];
  let ignoredRows = 0;
  for (const { line, fields } of body) {
    const row = cells(line, fields, names.length);
    const kind = STRIPE_KINDS[row[column.Type]!];
    if (!kind) {
      ignoredRows += 1;
      continue;
    }
    processorIdOf(line, row[column.id]!);
    const code = currencyOf(line, row[column.Currency]!.toUpperCase());
    // Stripe signs amounts by direction: money in (charges) positive, money out (refunds, payouts) negative.
    const sign = kind === 'charge' ? 'positive' : 'negative';
    rows.push({
      line,
      kind,
      processorId: processorIdOf(line, row[column.Source]!),
      amountMinor: amountOf(line, 'Amount', row[column.Amount]!, code, sign),
      currency: code,
      feeMinor: amountOf(line, 'Fee', row[column.Fee]!, code, 'any'),
      occurredAt: stripeDateOf(line, row[column['Created (UTC)']]!),
    });
  }
  return { format: 'stripe', rows, ignoredRows };
}

function cells(line: number, fields: string[], count: number): string[] {
  if (fields.length !== count) fail(line, `has ${fields.length} fields; the header has ${count}`);
  return fields.map((f) => f.trim());
}

function processorIdOf(line: number, id: string): string {
  return PROCESSOR_ID.test(id) ? id : fail(line, 'id must be the processor id, 1 to 100 letters, digits or _-.:');
}

function currencyOf(line: number, code: string): string {
  return /^[A-Z]{3}$/.test(code) && isSupportedCurrency(code)
    ? code
    : fail(line, `currency ${JSON.stringify(code.slice(0, 10))} is not supported`);
}

/** A decimal in major units to minor units, exactly: the shared money rules (exponent, maximum). */
function amountOf(line: number, name: string, text: string, currency: string, sign: 'positive' | 'negative' | 'any'): bigint {
  const match = SIGNED_DECIMAL.exec(text);
  if (!match) return fail(line, `${name} must be a decimal number such as 10.50`);
  let minor: bigint;
  try {
    // decimalToMinor wants no leading zeros ("0.5", not "00.5").
    minor = decimalToMinor(match[2]!.replace(/^0+(?=\d)/, ''), currency);
  } catch (error) {
    return fail(line, `${name}: ${(error as Error).message}`);
  }
  const negative = match[1] === '-' && minor !== 0n;
  if (sign === 'positive' && negative) fail(line, `${name} must not be negative`);
  if (sign === 'negative' && !negative && minor !== 0n) fail(line, `${name} must be negative (money leaving the balance)`);
  // A fee keeps its sign (Stripe writes a returned fee as negative); amounts are sizes.
  return sign === 'any' && negative ? -minor : minor;
}

function isoDateOf(line: number, text: string): Date {
  const day = ISO_DATE.exec(text);
  if (day) return dateOf(line, day.slice(1, 4), [], 'Z');
  const at = ISO_DATE_TIME.exec(text);
  if (!at) return fail(line, 'date must be ISO 8601, e.g. 2026-12-01 or 2026-12-01T10:15:00Z');
  return dateOf(line, at.slice(1, 4), at.slice(4, 8), at[8]!);
}

function stripeDateOf(line: number, text: string): Date {
  const at = STRIPE_DATE_TIME.exec(text);
  if (!at) return fail(line, 'Created (UTC) must be a date and time such as 2026-12-01 10:15 or 2026-12-01 10:15:00');
  return dateOf(line, at.slice(1, 4), at.slice(4, 7), 'Z');
}

/** Refuses dates the calendar does not have (2026-02-30, 24:00) instead of letting Date roll them over. */
function dateOf(
  line: number,
  [y, mo, d]: (string | undefined)[],
  [h = '0', mi = '0', s = '0', frac]: (string | undefined)[],
  offset: string,
): Date {
  const [year, month, dayOfMonth, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const utc = new Date(Date.UTC(year!, month! - 1, dayOfMonth!, hour!, minute!, second!));
  utc.setUTCFullYear(year!);
  const real =
    utc.getUTCMonth() === month! - 1 && utc.getUTCDate() === dayOfMonth && hour! < 24 && minute! < 60 && second! < 60 && year! >= 1;
  if (!real) return fail(line, 'the date does not exist');
  const ms = frac ? Number(`0.${frac}`) * 1000 : 0;
  const [offsetHours, offsetMins] = offset === 'Z' ? [0, 0] : [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
  if (offsetHours > 23 || offsetMins > 59) fail(line, 'the time zone offset does not exist');
  const offsetMinutes = (offset[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  const at = new Date(utc.getTime() + Math.floor(ms) - offsetMinutes * 60_000);
  return isInstantInRange(at) ? at : fail(line, 'the date is out of range');
}

/** One row per processor id and kind: a second would be counted twice against one record of ours. */
function refuseDuplicates(rows: SettlementRow[]): void {
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.kind}:${row.processorId}`;
    const first = seen.get(key);
    if (first !== undefined) fail(row.line, `${row.kind} ${row.processorId} is listed twice (first on line ${first})`);
    seen.set(key, row.line);
  }
}

function fail(line: number, reason: string): never {
  throw new SettlementFileProblem(line, reason);
}
