import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createContainer, type Container, type ContainerOverrides } from '../../src/container';
import { createLogger } from '../../src/infra/logger';
import type * as PostgresAdapter from '../../src/infra/db/postgres';
import type * as RedisAdapter from '../../src/infra/cache/redis-cache';
import { startTestApp, type TestApp } from './test-app';

/* eslint-disable @typescript-eslint/no-require-imports -- pg and ioredis load only on the PostgreSQL + Redis pass, as in test-app.ts */
const postgres = () => require('../../src/infra/db/postgres') as typeof PostgresAdapter;
const redis = () => require('../../src/infra/cache/redis-cache') as typeof RedisAdapter;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface TwoInstances {
  first: TestApp;
  /** Alternates between the instances, as a round-robin load balancer would. */
  instances: Array<() => ReturnType<typeof request>>;
  /** The first instance's TestApp whose requests alternate between the two instances. */
  balanced: TestApp;
  close: () => Promise<void>;
}

/**
 * Two OCP instances on one PostgreSQL schema and one Redis (the PostgreSQL + Redis pass only): two
 * containers with the same configuration (so the same token keys), each with its own pool and
 * Redis connection. `overrides.tenants`: the tenants' settings both instances read.
 */
export async function startTwoInstances(
  env: Record<string, string> = {},
  overrides: Pick<ContainerOverrides, 'tenants'> = {},
): Promise<TwoInstances> {
  const prefix = `ocp-test:${randomBytes(6).toString('hex')}:`;
  const cache = () => new (redis().RedisCache)(process.env.REDIS_URL!, prefix, { commandTimeoutMs: 10_000 });
  const first = await startTestApp(env, { ...overrides, cache: cache() });
  const { rows } = await first.container.db.query<{ schema: string }>('SELECT current_schema() AS schema');
  const second: Container = await createContainer(first.config, {
    db: new (postgres().PostgresDatabase)({ connectionString: process.env.DATABASE_URL!, poolMax: 10, schema: rows[0]!.schema }),
    ...overrides,
    cache: cache(),
    logger: createLogger('error'),
  });
  const instances = [first.http, () => request(second.app)];
  let next = 0;
  return {
    first,
    instances,
    balanced: { ...first, http: () => instances[next++ % 2]!() },
    close: async () => {
      await second.services.admin.stop();
      await second.holdExpiry.stop();
      await second.webhooks.worker.stop();
      await second.webhooks.retention.stop();
      await second.web3.close();
      await second.graphqlSubscriptions.close();
      await second.fanout.close();
      await second.cache.close();
      await second.db.close();
      await first.close();
    },
  };
}
