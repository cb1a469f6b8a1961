import { retryDelayMs } from '../../../src/shared/retry-delay';
import { webhookUrlProblem } from '../../../src/modules/webhook/webhook-url';

const production = { allowLocalHttp: false, allowPrivateTargets: false };
const development = { allowLocalHttp: true, allowPrivateTargets: true };

describe('webhookUrlProblem', () => {
  it.each(['https://example.com/hooks', 'https://example.com:8443/a?b=c', 'https://8.8.8.8/h', 'https://[2606:4700::1111]/h'])(
    'when %s, then it is accepted anywhere',
    (url) => {
      expect(webhookUrlProblem(url, production)).toBeNull();
    },
  );

  it.each(['http://localhost:3000/h', 'http://127.0.0.1:9/h', 'http://[::1]:8080/h'])(
    'when %s outside production, then it is accepted, and refused in production',
    (url) => {
      expect(webhookUrlProblem(url, development)).toBeNull();
      expect(webhookUrlProblem(url, production)).toBe('must use https');
    },
  );

  it.each([
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.5/h',
    'https://192.168.1.1/h',
    'https://[::1]/h',
    'https://[::ffff:127.0.0.1]/h',
    'https://[fd00::1]/h',
    'https://2130706433/h',
    'https://0x7f.1/h',
    'https://0/h',
    'https://localhost/h',
  ])('when %s and private targets are not allowed, then it is refused as a private target', (url) => {
    expect(webhookUrlProblem(url, production)).toMatch(/must not point at a private/);
    expect(webhookUrlProblem(url, { allowLocalHttp: true, allowPrivateTargets: false })).toMatch(/must not point at a private/);
    expect(webhookUrlProblem(url, { allowLocalHttp: false, allowPrivateTargets: true })).toBeNull();
  });

  it('when local http is allowed but private targets are not, then http to 127.0.0.1 is refused as a private target', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9/h', { allowLocalHttp: true, allowPrivateTargets: false })).toMatch(
      /must not point at a private/,
    );
  });

  it.each([
    ['http://example.com/h', /https/],
    ['http://10.0.0.1/h', /https/],
    ['ftp://example.com/h', /https/],
    ['https://user:pass@example.com/h', /credentials/],
    ['https://user@example.com/h', /credentials/],
    ['not a url', /absolute URL/],
    [`https://example.com/${'a'.repeat(2048)}`, /2048/],
  ])('when %s, then it is refused', (url, problem) => {
    expect(webhookUrlProblem(url, development)).toMatch(problem);
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
