import { retryDelayMs } from '../../../src/modules/webhook/retry-delay';
import { webhookUrlProblem } from '../../../src/modules/webhook/webhook-url';

describe('webhookUrlProblem', () => {
  it.each(['https://example.com/hooks', 'https://example.com:8443/a?b=c'])('when %s, then it is accepted anywhere', (url) => {
    expect(webhookUrlProblem(url, false)).toBeNull();
  });

  it.each(['http://localhost:3000/h', 'http://127.0.0.1:9/h', 'http://[::1]:8080/h'])(
    'when %s outside production, then it is accepted, and refused in production',
    (url) => {
      expect(webhookUrlProblem(url, true)).toBeNull();
      expect(webhookUrlProblem(url, false)).toBe('must use https');
    },
  );

  it.each([
    ['http://example.com/h', /https/],
    ['http://10.0.0.1/h', /https/],
    ['ftp://example.com/h', /https/],
    ['https://user:pass@example.com/h', /credentials/],
    ['https://user@example.com/h', /credentials/],
    ['not a url', /absolute URL/],
    [`https://example.com/${'a'.repeat(2048)}`, /2048/],
  ])('when %s, then it is refused', (url, problem) => {
    expect(webhookUrlProblem(url, true)).toMatch(problem);
  });
});

describe('retryDelayMs', () => {
  it('when attempts grow, then the delay doubles within its jitter band, up to the cap', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000, () => 0.5)).toBe(6000);
    expect(retryDelayMs(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(1000, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
