import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import { startServer, type RunningServer } from '../../../src/http/server-lifecycle';
import { createLogger } from '../../../src/infra/logger';
import { CapturedLogs, startTestApp, type TestApp } from '../../support/test-app';

const FIXTURES = join(__dirname, '../../fixtures/tls');
const ca = readFileSync(join(FIXTURES, 'cert.pem'));

function handshake(port: number, options: tls.ConnectionOptions): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...options }, () => {
      const protocol = socket.getProtocol();
      socket.end();
      resolve(protocol);
    });
    socket.on('error', reject);
  });
}

describe('HTTPS listener with TLS_CERT_FILE / TLS_KEY_FILE', () => {
  let t: TestApp;
  let running: RunningServer;

  beforeAll(async () => {
    t = await startTestApp();
    running = await startServer(t.app, {
      host: '127.0.0.1',
      port: 0,
      tls: { certFile: join(FIXTURES, 'cert.pem'), keyFile: join(FIXTURES, 'key.pem') },
      shutdownTimeoutMs: 1_000,
      logger: createLogger('error', [new CapturedLogs()]),
    });
  });
  afterAll(async () => {
    await running.shutdown();
    await t.close();
  });

  it('when a TLS 1.3 client connects, then the handshake succeeds on TLSv1.3', async () => {
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(handshake(running.port, { minVersion: 'TLSv1.3' })).resolves.toBe('TLSv1.3');
  });

  it('when a client offers at most TLS 1.2, then the handshake is refused', async () => {
    await expect(handshake(running.port, { maxVersion: 'TLSv1.2' })).rejects.toMatchObject({
      code: expect.stringMatching(/ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ERR_SSL_UNSUPPORTED_PROTOCOL/),
    });
  });

  it('when /health is asked over HTTPS, then the app answers 200', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      https
        .get(`${running.url}/health`, { ca, servername: 'localhost' }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
  });
});
