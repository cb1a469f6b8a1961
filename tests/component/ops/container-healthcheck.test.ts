import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../src/http/server-lifecycle';
import { createLogger } from '../../../src/infra/logger';
import { CapturedLogs, startTestApp, type TestApp } from '../../support/test-app';

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(ROOT, 'tests/fixtures/tls');

/** Runs the image's HEALTHCHECK command as Docker would, with the container's settings. */
function healthcheck(env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    execFile('node', [join(ROOT, 'docker/healthcheck.js')], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
}

describe('the image HEALTHCHECK (docker/healthcheck.js)', () => {
  let t: TestApp;
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const server of servers) await server.shutdown();
    await t.close();
  });

  async function listen(tls?: { certFile: string; keyFile: string }) {
    const logger = createLogger('error', [new CapturedLogs()]);
    const running = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1_000, logger, ...(tls ? { tls } : {}) });
    servers.push(running);
    return running.port;
  }

  it('when the server answers /health over HTTP, then the check passes', async () => {
    expect(await healthcheck({ PORT: String(await listen()) })).toBe(0);
  });

  it('when TLS_CERT_FILE is set and the server speaks HTTPS only, then the check still passes', async () => {
    const tls = { certFile: join(FIXTURES, 'cert.pem'), keyFile: join(FIXTURES, 'key.pem') };
    const port = String(await listen(tls));
    expect(await healthcheck({ PORT: port, TLS_CERT_FILE: tls.certFile })).toBe(0);
    // Plain HTTP against the TLS listener is what the old check did: it must not pass.
    expect(await healthcheck({ PORT: port })).toBe(1);
  });

  it('when nothing listens on the port, then the check fails', async () => {
    const port = await listen();
    await servers.pop()!.shutdown();
    expect(await healthcheck({ PORT: String(port) })).toBe(1);
  });
});
