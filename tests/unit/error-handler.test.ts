import express from 'express';
import request from 'supertest';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler';
import { requestId } from '../../src/http/request-id';
import { createLogger } from '../../src/infra/logger';
import { Conflict, RateLimited, Unavailable } from '../../src/shared/errors';
import { CapturedLogs } from '../support/test-app';

/** The real middleware around routes that throw what the real app has no way to throw on purpose. */
function appThatThrows(error: unknown) {
  const logs = new CapturedLogs();
  const app = express();
  app.use(requestId());
  app.get('/boom', () => {
    throw error;
  });
  app.get('/later', async () => {
    await Promise.resolve();
    throw error;
  });
  app.use(notFoundHandler());
  app.use(errorHandler(createLogger('info', [logs])));
  return { app, logs };
}

describe('errorHandler', () => {
  it('when a dependency is unavailable with its own words as the cause, then the client gets the code and the log gets the words', async () => {
    const error = new Unavailable('The RPC node of chain 1 failed to answer', 'chain_error');
    (error as Error).cause = 'node at /srv/secret said no';
    const { app, logs } = appThatThrows(error);
    const res = await request(app).get('/boom').set('X-Request-Id', 'req-cause');
    expect(res.status).toBe(503);
    expect(res.text).not.toContain('/srv/secret');
    expect(logs.entries).toContainEqual(
      expect.objectContaining({
        message: 'dependency unavailable',
        code: 'chain_error',
        cause: 'node at /srv/secret said no',
        requestId: 'req-cause',
      }),
    );
  });

  it('when a route throws an unexpected error, then 500 internal_error with the request id and no stack', async () => {
    const { app } = appThatThrows(new Error('database exploded at secret place'));
    const res = await request(app).get('/boom').set('X-Request-Id', 'req-500');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side', requestId: 'req-500' },
    });
    expect(res.text).not.toContain('database exploded');
    expect(res.text).not.toMatch(/\.ts:\d+/);
  });

  it('when a route throws an unexpected error, then the log holds the whole error with the request id', async () => {
    const { app, logs } = appThatThrows(new RangeError('database exploded'));
    await request(app).get('/later').set('X-Request-Id', 'req-log');
    const line = logs.entries.find((e) => e.message === 'unhandled error');
    expect(line).toMatchObject({
      level: 'error',
      requestId: 'req-log',
      method: 'GET',
      path: '/later',
      error: { name: 'RangeError', message: 'database exploded', stack: expect.stringContaining('error-handler.test.ts') },
    });
  });

  it('when something that is not an Error is thrown, then it is still a 500', async () => {
    const { app } = appThatThrows('a bare string');
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
  });

  it('when an AppError is thrown, then its kind picks the status and its code and details are kept', async () => {
    const { app, logs } = appThatThrows(new Conflict('email_taken', 'Taken', { field: 'email' }));
    const res = await request(app).get('/boom');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'email_taken', message: 'Taken', details: { field: 'email' } });
    expect(logs.entries.filter((e) => e.level === 'error')).toHaveLength(0);
  });

  it('when a RateLimited error is thrown, then 429 with its Retry-After', async () => {
    const { app } = appThatThrows(new RateLimited(42));
    const res = await request(app).get('/boom');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
  });
});
