import { REDACTED, redact } from '../../src/infra/redact';

describe('redact', () => {
  describe('card-number-like digits', () => {
    it.each([
      ['plain 16 digits', 'card 4242424242424242 declined'],
      ['grouped with spaces', 'card 4111 1111 1111 1111 declined'],
      ['grouped with dashes', 'card 5555-5555-5555-4444 declined'],
      ['15-digit Amex', 'card 378282246310005 declined'],
    ])('when a string holds a Luhn-valid number (%s), then it is replaced', (_label, text) => {
      expect(redact(text)).toBe(`card ${REDACTED} declined`);
    });

    it('when the digits fail the Luhn check, then they are left alone', () => {
      expect(redact('order 4242424242424241')).toBe('order 4242424242424241');
    });

    it('when the digit run is too short to be a card, then it is left alone', () => {
      expect(redact('id 424242424242')).toBe('id 424242424242');
    });

    it('when the number is inside a nested value, then it is replaced there', () => {
      expect(redact({ note: { text: ['pan 4242424242424242'] } })).toEqual({ note: { text: [`pan ${REDACTED}`] } });
    });
  });

  describe('sensitive keys', () => {
    it.each([
      'password',
      'Authorization',
      'authorization',
      'cookie',
      'accessToken',
      'refreshToken',
      'clientSecret',
      'cvv',
      'cardNumber',
      'privateKey',
      'x-api-key',
      'accountNumber',
      'routing_number',
      'bank_account[account_number]',
    ])('when the key is %s, then its value is replaced', (key) => {
      expect(redact({ [key]: 'top-secret-value', keep: 'visible' })).toEqual({ [key]: REDACTED, keep: 'visible' });
    });

    it.each(['access_token', 'refresh_token', 'client_secret', 'private_key', 'card_number', 'api_key', 'new_password'])(
      'when the key is in snake_case (%s), then its value is replaced too',
      (key) => {
        expect(redact({ [key]: 'top-secret-value' })).toEqual({ [key]: REDACTED });
      },
    );

    it('when a sensitive key holds an object, then the whole object is replaced', () => {
      expect(redact({ password: { old: 'a', new: 'b' } })).toEqual({ password: REDACTED });
    });

    it('when the keys are deep in objects and arrays, then they are replaced there', () => {
      const input = { req: { headers: { authorization: 'Bearer abc', accept: 'json' } }, list: [{ cvv: '123' }] };
      expect(redact(input)).toEqual({
        req: { headers: { authorization: REDACTED, accept: 'json' } },
        list: [{ cvv: REDACTED }],
      });
    });

    it('when a value is redacted, then the input object is not changed', () => {
      const input = { password: 'hunter2-hunter2' };
      redact(input);
      expect(input.password).toBe('hunter2-hunter2');
    });
  });

  describe('errors', () => {
    it('when an Error is logged, then name, message and stack survive with card numbers removed', () => {
      const error = new TypeError('bad card 4242424242424242');
      const out = redact(error) as Record<string, string>;
      expect(out.name).toBe('TypeError');
      expect(out.message).toBe(`bad card ${REDACTED}`);
      expect(out.stack).toContain('redact.test.ts');
      expect(out.stack).not.toContain('4242424242424242');
    });

    it('when an Error has sensitive properties, then they are replaced', () => {
      const error = Object.assign(new Error('upstream failed'), { config: { headers: { Authorization: 'Bearer x' } } });
      expect(redact(error)).toMatchObject({ config: { headers: { Authorization: REDACTED } } });
    });

    it('when an Error has a cause, then the cause is kept and redacted', () => {
      const error = new Error('outer', { cause: new Error('inner 4242424242424242') });
      expect(redact(error)).toMatchObject({ cause: { message: `inner ${REDACTED}` } });
    });
  });

  it('when values are deeper than the limit, then they are truncated instead of walked forever', () => {
    type Loop = { self?: Loop; name: string };
    const loop: Loop = { name: 'x' };
    loop.self = loop;
    expect(JSON.stringify(redact(loop))).toContain('[Truncated]');
  });

  it('when a value is a bigint, then it becomes a string of digits', () => {
    expect(redact({ amountMinor: 1050n })).toEqual({ amountMinor: '1050' });
  });
});
