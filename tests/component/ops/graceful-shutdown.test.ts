import express from 'express';
import http from 'node:http';
import { shutdownOnSignals, startServer, type RunningServer, type ServerOptions } from '../../../src/http/server-lifecycle';
import { createLogger } from '../../../src/infra/logger';
import { CapturedLogs, startTestApp, type TestApp } from '../../support/test-app';

const SLOW_MS = 400;

function get(url: string, agent?: http.Agent): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

/** A local listener with a quiet logger; 5 s to drain unless the test says otherwise. */
function listen(app: http.RequestListener, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer(app, {
    host: '127.0.0.1',
    port: 0,
    shutdownTimeoutMs: 5_000,
    logger: createLogger('error', [new CapturedLogs()]),
    ...options,
  });
}

describe('graceful shutdown', () => {
  let t: TestApp;
  let running: RunningServer;
  let agent: http.Agent;

  beforeEach(async () => {
    t = await startTestApp();
    const app = express();
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ finished: true }), SLOW_MS);
    });
    app.use(t.app);
    agent = new http.Agent({ keepAlive: true });
    running = await listen(app, { onStopped: () => t.container.close() });
  });

  afterEach(async () => {
    agent.destroy();
    await running.shutdown();
    await t.close();
  });

  it('when shutdown starts during a slow request, then that request finishes and new connections are refused', async () => {
    // A request first, so the keep-alive agent holds an idle connection the shutdown must close.
    expect((await get(`${running.url}/health`, agent)).status).toBe(200);
    const slow = get(`${running.url}/slow`, agent);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    const stopped = running.shutdown('test');
    await expect(get(`${running.url}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const res = await slow;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ finished: true });
    expect(res.headers.connection).toBe('close');
    await stopped;
    // Finished with the slow request, not after the keep-alive timeout (5 s) or the shutdown timeout.
    expect(Date.now() - started).toBeLessThan(SLOW_MS + 1_500);
  });

  it('when the server has stopped, then the database pool is closed', async () => {
    await running.shutdown('test');
    await expect(t.container.db.ping(500)).rejects.toThrow();
  });
});

describe('shutdown limits and signals', () => {
  it('when a request outlives the shutdown timeout, then its connection is cut and the pools still close', async () => {
    const app = express().get('/hang', () => undefined);
    let stoppedCalls = 0;
    const short = await listen(app, {
      shutdownTimeoutMs: 200,
      onStopped: async () => {
        stoppedCalls += 1;
      },
    });
    const hanging = get(`${short.url}/hang`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await short.shutdown('test');
    await expect(hanging).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(stoppedCalls).toBe(1);
  });

  it.each([
    ['before shutdown starts', true],
    ['while shutdown waits for it', false],
  ])('when a client leaves %s, then the pools close only after its handler has ended', async (_when, leavesFirst) => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const app = express().get('/work', async (_req, res) => {
      await gate;
      order.push('handler ended');
      res.json({ finished: true });
    });
    const server = await listen(app, {
      onStopped: async () => {
        order.push('pools closed');
      },
    });
    const request = http.get(`${server.url}/work`).on('error', () => undefined);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(50);
    if (leavesFirst) {
      request.destroy();
      await pause(50);
    }

    const stopped = server.shutdown('test');
    if (!leavesFirst) {
      await pause(50);
      request.destroy();
    }
    await pause(100);
    expect(order).toEqual([]);
    release();
    await stopped;
    expect(order).toEqual(['handler ended', 'pools closed']);
  });

  it('when the client of a started stream leaves, then shutdown does not wait for its handler', async () => {
    const app = express().get('/stream', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const server = await listen(app);
    const request = http.get(`${server.url}/stream`, (res) => res.once('data', () => request.destroy())).on('error', () => undefined);
    await new Promise((resolve) => request.on('close', resolve));

    const started = Date.now();
    await server.shutdown('test');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when SIGTERM arrives twice, then the first drains and exits 0 and the second exits 1 at once', async () => {
    const codes: number[] = [];
    let shutdowns = 0;
    let finish: () => void = () => undefined;
    const remove = shutdownOnSignals({ shutdown: () => ((shutdowns += 1), new Promise<void>((resolve) => (finish = resolve))) }, (code) =>
      codes.push(code),
    );
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      expect(codes).toEqual([1]);
      finish();
      await new Promise((resolve) => setImmediate(resolve));
      expect(codes).toEqual([1, 0]);
      expect(shutdowns).toBe(1);
    } finally {
      remove();
    }
  });
});
