import { redisStatement, UrlRedactingProcessor, withoutQuery } from '../../src/infra/tracing/sdk';
import { SpanKind } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-node';

describe('what tracing keeps out of span attributes', () => {
  it('when a Redis command is described, then only its name and key prefix remain, never a value', () => {
    expect(redisStatement('set', ['ocp:session:jti-secret', 'eyJhbGciOi.token.value', 'PX', 1000])).toBe('set ocp:session:?');
    expect(redisStatement('get', ['plainkey-with-secret'])).toBe('get');
    expect(redisStatement('evalsha', ['abc123', 2, 'ocp:rl:1.2.3.4', 'ocp:rl:user'])).toBe('evalsha');
    expect(redisStatement('ping', [])).toBe('ping');
  });

  it('when a span holds URLs with query strings, then they keep their path only and url.query is dropped', () => {
    const attributes: Record<string, unknown> = {
      'url.full': 'http://h/api/v1/x?token=secret#frag',
      'http.target': '/api/v1/x?token=secret',
      'http.url': 'http://h/y?password=p',
      'url.query': 'token=secret',
      'http.route': '/api/v1/x',
    };
    new UrlRedactingProcessor().onEnding({ attributes } as unknown as Span);
    expect(attributes).toEqual({
      'url.full': 'http://h/api/v1/x',
      'http.target': '/api/v1/x',
      'http.url': 'http://h/y',
      'http.route': '/api/v1/x',
    });
    expect(withoutQuery('/plain')).toBe('/plain');
  });

  it('when an outgoing call is traced, then its URLs keep the origin only: a path can hold an API key or a token id', () => {
    const attributes: Record<string, unknown> = {
      'url.full': 'https://mainnet.infura.io:8443/v3/0123456789abcdef0123456789abcdef',
      'http.url': 'https://api.basistheory.com/tokens/tok_secret',
      'http.target': '/tokens/tok_secret',
      'url.path': '/v3/0123456789abcdef0123456789abcdef',
      'server.address': 'mainnet.infura.io',
    };
    new UrlRedactingProcessor().onEnding({ attributes, kind: SpanKind.CLIENT } as unknown as Span);
    expect(attributes).toEqual({
      'url.full': 'https://mainnet.infura.io:8443',
      'http.url': 'https://api.basistheory.com',
      'server.address': 'mainnet.infura.io',
    });
  });
});
