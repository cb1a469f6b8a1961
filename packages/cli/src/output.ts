import { formatAmount } from '@ocp/sdk';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Amounts and counts line up on their last digit. */
  align?: 'right';
}

/** Rows as aligned columns under an upper-case header, two spaces apart; no trailing spaces. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header.toUpperCase())), ...cells.map(render)].join('\n');
}

/** Label / value pairs, the labels padded to one width: how one resource reads. */
export function renderFields(fields: readonly [label: string, value: string][]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${oneLine(value)}`).join('\n');
}

export const money = (amount: string, currency: string) => formatAmount({ amount, currency });

/** An ISO timestamp to the second, as people read it in a table. */
export const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

export const orDash = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? '-' : value);

// A value from the API may hold a newline or a control character; a table row must stay one line.
// eslint-disable-next-line no-control-regex
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
