import request from 'supertest';
import { buildApp } from '../../../src/app';
import { RedisCache } from '../../../src/infra/cache/redis-cache';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { startTestApp, type TestApp } from '../../support/test-app';

/** The real app with one dependency swapped for an unreachable one. */
function appWith(t: TestApp, swap: Partial<Parameters<typeof buildApp>[0]>) {
  const { config, logger, metrics, db, cache, services } = t.container;
  return buildApp({ config, logger, metrics, db, cache, services, ...swap });
}

describe('GET /health and GET /ready', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the process is up, then /health answers 200 without touching the database', async () => {
    const db = new PostgresDatabase({ connectionString: 'postgres://postgres@127.0.0.1:1/test', poolMax: 1 });
    try {
      const res = await request(appWith(t, { db })).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    } finally {
      await db.close();
    }
  });

  it('when the database (and Redis, if configured) answer, then /ready is 200', async () => {
    const res = await t.http().get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', ...(process.env.REDIS_URL ? { cache: 'ok' } : {}) },
    });
  });

  it('when the database is unreachable, then /ready is 503 naming the database', async () => {
    const db = new PostgresDatabase({ connectionString: 'postgres://postgres@127.0.0.1:1/test', poolMax: 1, connectTimeoutMs: 500 });
    try {
      const res = await request(appWith(t, { db })).get('/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'unavailable', checks: { database: 'unreachable' } });
    } finally {
      await db.close();
    }
  });

  it('when Redis is configured but unreachable, then /ready is 503 naming the cache', async () => {
    const config = { ...t.config, REDIS_URL: 'redis://127.0.0.1:1' };
    const cache = new RedisCache('redis://127.0.0.1:1', 'ocp-test-unreachable:');
    try {
      const res = await request(appWith(t, { config, cache })).get('/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'unavailable', checks: { database: 'ok', cache: 'unreachable' } });
    } finally {
      await cache.close();
    }
  });
});
