import { signWebhookPayload, verifyWebhookSignature } from '../../../src/modules/webhook/signature';

const secret = 'whsec_test-secret';
const body = '{"id":"evt_1","type":"transfer.completed","data":{"amount":"1050"}}';
const now = new Date('2030-01-01T00:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

describe('verifyWebhookSignature', () => {
  it('when the header signs this body with this secret, then it is accepted', () => {
    expect(verifyWebhookSignature(signWebhookPayload(body, secret, nowSeconds), body, secret, 300, now)).toBe(true);
  });

  it('when the body, the secret or the signature differ, then it is rejected', () => {
    const header = signWebhookPayload(body, secret, nowSeconds);
    expect(verifyWebhookSignature(header, body.replace('1050', '9999'), secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(header, body, 'whsec_other', 300, now)).toBe(false);
    const flipped = header.replace(/v1=(.)/, (_m, c: string) => `v1=${c === 'a' ? 'b' : 'a'}`);
    expect(verifyWebhookSignature(flipped, body, secret, 300, now)).toBe(false);
  });

  it('when the timestamp is older than the tolerance, then it is rejected as a replay', () => {
    const old = signWebhookPayload(body, secret, nowSeconds - 301);
    expect(verifyWebhookSignature(old, body, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(signWebhookPayload(body, secret, nowSeconds - 299), body, secret, 300, now)).toBe(true);
  });

  it('when the timestamp is too far in the future, then it is rejected', () => {
    expect(verifyWebhookSignature(signWebhookPayload(body, secret, nowSeconds + 301), body, secret, 300, now)).toBe(false);
  });

  it('when the timestamp is swapped for a fresh one, then the signature no longer matches', () => {
    const header = signWebhookPayload(body, secret, nowSeconds - 1000);
    const refreshed = header.replace(/^t=\d+/, `t=${nowSeconds}`);
    expect(verifyWebhookSignature(refreshed, body, secret, 300, now)).toBe(false);
  });

  it('when signed with two secrets (a rotation overlap), then the header has a v1 per secret and either secret verifies it', () => {
    const header = signWebhookPayload(body, [secret, 'whsec_previous'], nowSeconds);
    expect(header.split(',').map((part) => part.split('=')[0])).toEqual(['t', 'v1', 'v1']);
    expect(header.startsWith(signWebhookPayload(body, secret, nowSeconds))).toBe(true);
    expect(verifyWebhookSignature(header, body, secret, 300, now)).toBe(true);
    expect(verifyWebhookSignature(header, body, 'whsec_previous', 300, now)).toBe(true);
    expect(verifyWebhookSignature(header, body, 'whsec_other', 300, now)).toBe(false);
  });

  it('when one of several v1 values matches (secret rotation), then it is accepted', () => {
    const header = signWebhookPayload(body, secret, nowSeconds);
    const withOld = `${header},v1=${'0'.repeat(64)}`;
    expect(verifyWebhookSignature(withOld, body, secret, 300, now)).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${nowSeconds}`],
    ['two timestamps', `t=${nowSeconds},t=${nowSeconds},v1=${'a'.repeat(64)}`],
    ['non-numeric timestamp', `t=abc,v1=${'a'.repeat(64)}`],
    ['short signature', `t=${nowSeconds},v1=abc`],
  ])('when the header is malformed (%s), then it is rejected without throwing', (_name, header) => {
    expect(verifyWebhookSignature(header, body, secret, 300, now)).toBe(false);
  });
});
