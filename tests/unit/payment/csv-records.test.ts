import { decodeUtf8, parseCsv, SettlementFileProblem } from '../../../src/modules/payment/reconciliation/csv-records';

const limits = { recordsMax: 3, fieldsMax: 4, fieldCharsMax: 10 };

/** The settlement files' CSV reader: bounded, and every refusal names its line. */
describe('settlement CSV records', () => {
  it('when fields are quoted with commas, doubled quotes and line breaks, with CRLF and blank lines, then they read back whole', () => {
    const text = 'a,"b,c","say ""hi"""\r\n\r\n"two\nlines",x\n';
    expect(parseCsv(text, limits)).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'x'] },
    ]);
  });

  it.each([
    ['"open', 1, 'a quoted field is not closed'],
    ['"a"b', 1, 'text after a closing quote'],
    ['a"b', 1, 'a quote inside an unquoted field'],
    ['abcdefghijkl', 1, 'longer than'],
    ['"abcdefghijkl"', 1, 'longer than'],
    ['a\u0000', 1, 'NUL'],
    ['a,b,c,d,e', 1, 'more than 4 fields'],
    ['a\rb', 1, 'a carriage return inside a field'],
    ['a\nb\nc\nd\ne\n', 5, 'more than 3 rows'],
  ])('when the file is %j, then it is refused at line %i: %s', (text, line, reason) => {
    let problem: unknown;
    try {
      parseCsv(text, limits);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(SettlementFileProblem);
    expect((problem as SettlementFileProblem).line).toBe(line);
    expect((problem as Error).message).toContain(reason);
  });

  it('when the bytes are UTF-8 with a byte-order mark, then the mark is dropped; when a line is not UTF-8, then that line is named', () => {
    expect(decodeUtf8(new TextEncoder().encode('\uFEFFa,b'))).toBe('a,b');
    const bad = new Uint8Array([...new TextEncoder().encode('ok\nok\n'), 0xff, 0x0a]);
    expect(() => decodeUtf8(bad)).toThrow(SettlementFileProblem);
    try {
      decodeUtf8(bad);
    } catch (error) {
      expect((error as SettlementFileProblem).line).toBe(3);
    }
  });
});
