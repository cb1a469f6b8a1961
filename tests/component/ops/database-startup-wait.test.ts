import net from 'node:net';
import { spawnNpm, type NpmProcess } from '../../support/npm-process';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';

jest.setTimeout(120_000);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy on `port` to `target` (the shared PostgreSQL): the database "comes up" when it listens. */
async function startProxy(port: number, target: { host: string; port: number }): Promise<() => Promise<void>> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

const RETRY = 'database not reachable at start-up; retrying';

describe('npm start while PostgreSQL is unreachable', () => {
  let proc: NpmProcess | undefined;

  afterEach(() => {
    proc?.killTree();
    proc = undefined;
  });

  it('when it stays unreachable, then each attempt is logged and it exits 1 after DATABASE_STARTUP_WAIT_MS', async () => {
    const port = await freePort(); // nothing listens there
    proc = spawnNpm(['start'], {
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'test',
      DATABASE_URL: `postgres://postgres:not-logged@127.0.0.1:${port}/test`,
      DATABASE_STARTUP_WAIT_MS: '2000',
    });
    expect(await proc.exited).toBe(1);
    const retries = proc.lines.filter((l) => l.message === RETRY);
    expect(retries.length).toBeGreaterThanOrEqual(3); // 250, 500, 1000 ms ... within 2 s
    expect(retries[0]).toMatchObject({ level: 'warn', attempt: 1, target: `PostgreSQL at 127.0.0.1:${port}/test` });
    expect(String(retries[0]!.error)).toContain('ECONNREFUSED');
    const waited = Date.parse(String(retries.at(-1)!.timestamp)) - Date.parse(String(retries[0]!.timestamp));
    // At least the first two back-offs (250 + 500 ms); more when the machine is not loaded.
    expect(waited).toBeGreaterThanOrEqual(750);
    expect(waited).toBeLessThan(2_500);
    expect(proc.output()).toContain(`PostgreSQL at 127.0.0.1:${port}/test did not answer within 2000 ms (DATABASE_STARTUP_WAIT_MS)`);
    expect(proc.output()).not.toContain('not-logged');
    expect(proc.lines.some((l) => l.message === 'listening')).toBe(false);
  });

  const withPostgres = process.env.DATABASE_URL ? it : it.skip;
  withPostgres('when PostgreSQL starts answering while it waits, then the server starts and serves', async () => {
    const scratch: ScratchDatabase = await createScratchDatabase('startwait');
    let stopProxy: (() => Promise<void>) | undefined;
    try {
      const real = new URL((scratch.env as { DATABASE_URL: string }).DATABASE_URL);
      const port = await freePort();
      const viaProxy = new URL(real);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(port);
      proc = spawnNpm(['start'], {
        HOST: '127.0.0.1',
        PORT: '0',
        NODE_ENV: 'test',
        DATABASE_URL: viaProxy.toString(),
        DATABASE_STARTUP_WAIT_MS: '60000',
      });
      await proc.waitForLine((l) => l.message === RETRY && Number(l.attempt) >= 2);
      stopProxy = await startProxy(port, { host: real.hostname, port: Number(real.port || 5432) });

      await proc.waitForLine((l) => l.message === 'ready', 60_000);
      expect(proc.lines).toContainEqual(expect.objectContaining({ message: 'database reachable' }));
      const listening = await proc.waitForLine((l) => l.message === 'listening');
      const res = await fetch(`${String(listening.url)}/ready`);
      expect(res.status).toBe(200);

      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      proc?.killTree();
      await stopProxy?.();
      await scratch.drop();
    }
  });
});
