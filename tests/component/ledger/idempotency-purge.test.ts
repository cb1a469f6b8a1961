import { startTestApp, type TestApp } from '../../support/test-app';

describe('idempotency key purge', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const keys = async () =>
    (await t.container.db.query<{ key: string }>("SELECT key FROM idempotency_keys WHERE scope = 'purge-test' ORDER BY key")).rows.map(
      (r) => r.key,
    );

  it('when keys have expired, then they go in batches and live keys stay', async () => {
    await t.container.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body, expires_at)
       SELECT 'purge-test', k, 'h', 201, '{}', CASE WHEN k LIKE 'old%' THEN now() - interval '1 minute' ELSE now() + interval '1 day' END
         FROM unnest($1::text[]) AS k`,
      [['old1', 'old2', 'old3', 'old4', 'old5', 'live1', 'live2']],
    );
    const purge = t.container.services.idempotency;
    const batches: boolean[] = [];
    for (let more = true; more;) {
      more = await purge.purgeExpired(2);
      batches.push(more);
    }
    // Other tests' expired keys may share the table: only this test's rows are asserted.
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(await keys()).toEqual(['live1', 'live2']);
  });
});
