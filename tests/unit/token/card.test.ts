import { cardBrand, validateCard } from '../../../src/modules/token/card';
import { luhnValid } from '../../../src/shared/luhn';
import { Fingerprinter } from '../../../src/modules/token/fingerprint';
import { createHash } from 'node:crypto';

const NOW = new Date('2026-06-15T12:00:00Z');
const good = { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' };

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    return (error as { details: { fields: { field: string }[] } }).details.fields.map((f) => f.field);
  }
  throw new Error('expected a validation error');
}

describe('card validation', () => {
  it('when the number passes Luhn, then it is normalised to digits and branded', () => {
    expect(validateCard(good, NOW)).toMatchObject({ number: '4242424242424242', brand: 'visa', expYear: 2030 });
  });

  it('when one digit is changed, then the Luhn check fails', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(fieldsOf(() => validateCard({ ...good, number: '4242424242424241' }, NOW))).toEqual(['body.data.number']);
  });

  it('when the card expired last month, then expYear is refused; this month is still valid', () => {
    expect(fieldsOf(() => validateCard({ ...good, expMonth: 5, expYear: 2026 }, NOW))).toEqual(['body.data.expYear']);
    expect(validateCard({ ...good, expMonth: 6, expYear: 2026 }, NOW).expMonth).toBe(6);
  });

  it('when the year has two digits, then it is read as 20xx', () => {
    expect(validateCard({ ...good, expYear: 31 }, NOW).expYear).toBe(2031);
  });

  it('when the CVC has the wrong length for the brand, then cvc is refused', () => {
    expect(fieldsOf(() => validateCard({ ...good, cvc: '12' }, NOW))).toEqual(['body.data.cvc']);
    expect(fieldsOf(() => validateCard({ number: '378282246310005', expMonth: 1, expYear: 2030, cvc: '123' }, NOW))).toEqual([
      'body.data.cvc',
    ]);
    expect(validateCard({ number: '378282246310005', expMonth: 1, expYear: 2030, cvc: '1234' }, NOW).brand).toBe('amex');
  });

  it('when several fields are wrong, then the error names each field and never the number', () => {
    try {
      validateCard({ number: '4242424242424241', expMonth: 13, expYear: 2030, cvc: 'abc' }, NOW);
      throw new Error('expected a validation error');
    } catch (error) {
      expect((error as Error).message).not.toContain('4242424242424241');
      expect((error as { code: string }).code).toBe('invalid_card');
      expect(
        fieldsOf(() => {
          throw error;
        }),
      ).toEqual(['body.data.number', 'body.data.expMonth', 'body.data.cvc']);
    }
  });

  it('when brands are detected, then the common prefixes map to their networks', () => {
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('6011111111111117')).toBe('discover');
    expect(cardBrand('3056930009020004')).toBe('diners');
    expect(cardBrand('3566002020360505')).toBe('jcb');
    expect(cardBrand('9999999999999995')).toBe('unknown');
  });
});

describe('card fingerprints', () => {
  const keys = [{ id: 'a', key: Buffer.alloc(32, 1) }];

  it('when the same number is fingerprinted twice, then the fingerprints match, with or without spaces', () => {
    const f = Fingerprinter.fromConfig(undefined, keys);
    expect(f.of('4242424242424242')).toBe(f.of('4242 4242 4242 4242'));
    expect(f.of('4242424242424242')).not.toBe(f.of('5555555555554444'));
  });

  it('when compared with a plain hash of the number, then the fingerprint differs (keyed, not reversible by brute force)', () => {
    const fp = Fingerprinter.fromConfig(undefined, keys).of('4242424242424242');
    const plain = createHash('sha256').update('4242424242424242').digest('base64url');
    expect(fp).not.toBe(plain);
    expect(Fingerprinter.fromConfig(Buffer.alloc(32, 9), keys).of('4242424242424242')).not.toBe(fp);
  });

  it('when a newer key is put first, then fingerprints stay the same (they follow the oldest key)', () => {
    const before = Fingerprinter.fromConfig(undefined, keys).of('4242424242424242');
    const after = Fingerprinter.fromConfig(undefined, [{ id: 'b', key: Buffer.alloc(32, 2) }, ...keys]).of('4242424242424242');
    expect(after).toBe(before);
  });
});
