import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, spawnNpm, type NpmProcess } from '../../support/npm-process';
import { seedDataDir } from '../../support/pglite-snapshot';

jest.setTimeout(90_000);

/**
 * A POST whose body arrives in two parts: the server has the request (it is in flight) after the
 * first, and can only answer once the test sends the rest, so the test decides how long it lasts.
 */
function slowRegister(url: string): { finish: () => void; response: Promise<{ status: number; body: string }> } {
  const body = JSON.stringify({ email: `drain-${Date.now()}@ocp.test`, password: 'Drain-passw0rd-long' });
  const req = http.request(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  response.catch(() => undefined); // a failed test must not also leave an unhandled rejection
  req.write(body.slice(0, 10));
  req.flushHeaders();
  return { finish: () => req.end(body.slice(10)), response };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['npm start', ['start']],
  ['npm run dev', ['run', 'dev']],
])('%s and SIGTERM', (_name, npmArgs) => {
  let dataDir: string;
  let proc: NpmProcess | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ocp-npm-start-'));
    await seedDataDir(dataDir);
  });

  afterEach(() => {
    proc?.killTree();
    proc = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when SIGTERM is sent to the npm process during a request, then that request completes and everything exits 0', async () => {
    proc = spawnNpm(npmArgs, {
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    const listening = await proc.waitForLine((l) => l.message === 'listening');
    await proc.waitForLine((l) => l.message === 'ready');
    const url = String(listening.url);
    const tree = proc.descendants();
    expect(tree.length).toBeGreaterThan(0);

    const slow = slowRegister(url);
    await sleep(300); // the server has the headers: the request is in flight
    proc.child.kill('SIGTERM');
    await proc.waitForLine((l) => l.message === 'shutting down', 10_000);
    await sleep(300); // still draining: the request has not finished
    slow.finish();

    const res = await slow.response;
    expect(res.status).toBe(201);
    expect(await proc.exited).toBe(0);
    expect(proc.lines).toContainEqual(expect.objectContaining({ message: 'stopped', reason: 'SIGTERM' }));
    await sleep(200);
    expect(proc.descendants().filter(isAlive)).toEqual([]);
  });
});
