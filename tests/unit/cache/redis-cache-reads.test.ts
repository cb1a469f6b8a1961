import { RedisCache } from '../../../src/infra/cache/redis-cache';

describe('RedisCache reads asked together', () => {
  it('when Redis is unreachable, then every read of the same tick fails instead of waiting for ever', async () => {
    const cache = new RedisCache('redis://127.0.0.1:1', 'ocp-test-unreachable:', { connectTimeoutMs: 100, commandTimeoutMs: 100 });
    try {
      const reads = await Promise.allSettled([cache.get('a'), cache.get('b'), cache.get('c')]);
      expect(reads.map((read) => read.status)).toEqual(['rejected', 'rejected', 'rejected']);
    } finally {
      await cache.close();
    }
  });
});
