import { isCleanText } from '../../../shared/clean-text';

/** A CSV record (RFC 4180) and the line of the file it starts on, counted from 1. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Why a file cannot be read, and where: the reconciliation answers it as a 400 naming the line. */
export class SettlementFileProblem extends Error {
  constructor(
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? reason : `line ${line}: ${reason}`);
  }
}

export interface CsvLimits {
  recordsMax: number;
  fieldsMax: number;
  fieldCharsMax: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NEWLINE = 0x0a;

/** The file as text: UTF-8 (a byte-order mark is dropped), or the first line that is not. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new SettlementFileProblem(firstLineNotUtf8(bytes), 'is not valid UTF-8');
  }
}

function firstLineNotUtf8(bytes: Uint8Array): number | null {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      utf8.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end === -1) break;
    start = end + 1;
  }
  return null;
}

/**
 * Splits CSV text into records: fields separated by commas, double-quoted fields may hold commas,
 * quotes ("") and line breaks; CRLF or LF; blank lines are skipped. Everything is bounded, so a
 * hostile file costs at most one pass over its bytes.
 */
export function parseCsv(text: string, limits: CsvLimits): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let atRecordEnd = false;
    while (!atRecordEnd) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new SettlementFileProblem(start, 'a quoted field is not closed');
          const c = text[i]!;
          if (c === '"' && text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            if (c === '\n') line++;
            field += c;
            i++;
          }
          if (field.length > limits.fieldCharsMax) throw tooLong(start, limits);
        }
        if (i < text.length && !',\r\n'.includes(text[i]!)) throw new SettlementFileProblem(line, 'text after a closing quote');
      } else {
        const end = nextDelimiter(text, i);
        field = text.slice(i, end);
        if (field.includes('"')) throw new SettlementFileProblem(line, 'a quote inside an unquoted field');
        if (field.length > limits.fieldCharsMax) throw tooLong(start, limits);
        i = end;
      }
      if (!isCleanText(field)) throw new SettlementFileProblem(start, 'contains a NUL byte');
      fields.push(field);
      if (fields.length > limits.fieldsMax) throw new SettlementFileProblem(start, `more than ${limits.fieldsMax} fields`);
      if (text[i] === ',') i++;
      else {
        if (text[i] === '\r') i++;
        if (i < text.length && text[i] !== '\n') throw new SettlementFileProblem(line, 'a carriage return inside a field');
        i++;
        line++;
        atRecordEnd = true;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue;
    records.push({ line: start, fields });
    if (records.length > limits.recordsMax + 1) throw new SettlementFileProblem(start, `more than ${limits.recordsMax} rows`);
  }
  return records;
}

function nextDelimiter(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === ',' || c === '\n' || c === '\r') return j;
  }
  return text.length;
}

const tooLong = (line: number, limits: CsvLimits) =>
  new SettlementFileProblem(line, `a field is longer than ${limits.fieldCharsMax} characters`);
