import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { registerUser } from '../../../tests/support/test-app.js';
import { EXIT } from '../src/run.js';
import { configDir, signIn, start, startOcp, waitFor, type Ocp } from './support.js';

describe('ocp webhooks listen', () => {
  let server: Ocp;
  let config: ReturnType<typeof configDir>;
  let user: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    server = await startOcp();
    config = configDir();
    user = await registerUser(server.t);
    await signIn(server.url, config.dir, user.email);
  });
  // A failed assertion must not leave a listener (and its port) behind.
  const interruptions: AbortController[] = [];
  afterEach(() => interruptions.forEach((i) => i.abort()));
  afterAll(async () => {
    config.remove();
    await server.close();
  });

  type Endpoint = { id: string; url: string; events: string[] };
  const webhooks = async () => ((await server.t.http().get('/api/v1/webhooks').set(user.auth)).body as { data: Endpoint[] }).data;
  const createWallet = (currency = 'USD') => server.t.http().post('/api/v1/wallets').set(user.auth).send({ currency });
  const deliver = () => server.t.container.webhooks.worker.runOnce();
  const post = (url: string, body: string, signature: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'ocp-signature': signature }, body });

  function listen(...flags: string[]) {
    const interruption = new AbortController();
    interruptions.push(interruption);
    const running = start(['webhooks', 'listen', ...flags], { dir: config.dir, signal: interruption.signal });
    return { ...running, stop: () => interruption.abort() };
  }

  it('when OCP delivers an event, then it is verified and printed, a forged one is refused, and Ctrl+C deletes the webhook', async () => {
    const listener = listen('--events', 'wallet.created,transfer.completed');
    const [, url, webhookId] = await waitFor(
      listener.stderr,
      /Listening on (http:\/\/127\.0\.0\.1:\d+\/webhooks) .*\(webhook (whe_[\w-]+)\)/,
    );
    expect(await webhooks()).toContainEqual(
      expect.objectContaining({ id: webhookId, url, events: ['wallet.created', 'transfer.completed'] }),
    );

    const wallet = (await createWallet()).body as { id: string };
    expect(await deliver()).toMatchObject({ delivered: 1, failed: 0 });
    const line = await waitFor(listener.stdout, /^.*wallet\.created.*$/m);
    expect(line[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  wallet\\.created  evt_[\\w-]+  .*"${wallet.id}"`));

    // Signed with another secret, unsigned, or replayed from an hour ago: refused, never printed.
    const body = JSON.stringify({ id: 'evt_forged', type: 'wallet.created', createdAt: new Date().toISOString(), data: {} });
    const now = Math.floor(Date.now() / 1000);
    const sign = (secret: string, t: number) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    for (const signature of [sign('whsec_someone_else', now), '', sign('whsec_someone_else', now - 3600)]) {
      const res = await post(url!, body, signature);
      expect(res.status).toBe(400);
    }
    expect(listener.stderr.text.match(/ocp: refused a delivery from .+: /g)).toHaveLength(3);
    expect(listener.stdout.text).not.toContain('evt_forged');
    expect(listener.stdout.text.trimEnd().split('\n')).toHaveLength(1);

    listener.stop();
    expect(await listener.exit).toBe(EXIT.interrupted);
    expect(listener.stderr.text).toContain(`Deleted webhook ${webhookId}.`);
    expect((await webhooks()).map((w) => w.id)).not.toContain(webhookId);
  });

  it('when --json is given, then each event is one JSON line on stdout', async () => {
    const listener = listen('--json');
    await waitFor(listener.stderr, /Listening on /);
    const first = (await createWallet('EUR')).body as { id: string };
    const second = (await createWallet('JPY')).body as { id: string };
    await deliver();
    await waitFor(listener.stdout, /(.*\n){2}/);
    const events = listener.stdout.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { walletId?: string } });
    expect(events.map((e) => e.type)).toEqual(['wallet.created', 'wallet.created']);
    expect(JSON.stringify(events)).toContain(first.id);
    expect(JSON.stringify(events)).toContain(second.id);
    listener.stop();
    expect(await listener.exit).toBe(EXIT.interrupted);
  });

  it('when --secret is given for an existing webhook, then it verifies with it and registers or deletes nothing', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhooks`;
    const created = await server.t
      .http()
      .post('/api/v1/webhooks')
      .set(user.auth)
      .send({ url, events: ['wallet.created'] });
    expect(created.status).toBe(201);
    const endpoint = created.body as { id: string; secret: string };
    const listener = listen('--port', String(port), '--secret', endpoint.secret);
    await waitFor(listener.stderr, /Listening on /);
    expect((await webhooks()).filter((w) => w.url === url)).toHaveLength(1);
    await createWallet('GBP');
    await deliver();
    await waitFor(listener.stdout, /wallet\.created/);
    listener.stop();
    expect(await listener.exit).toBe(EXIT.interrupted);
    expect((await webhooks()).map((w) => w.id)).toContain(endpoint.id);
    expect(listener.stderr.text).not.toContain(endpoint.secret);
  });

  it("when the webhook's secret is rotated with an overlap, then a listener holding the old secret still verifies deliveries", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhooks`;
    const created = await server.t
      .http()
      .post('/api/v1/webhooks')
      .set(user.auth)
      .send({ url, events: ['wallet.created'] });
    const endpoint = created.body as { id: string; secret: string };
    const rotated = await server.t
      .http()
      .post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`)
      .set(user.auth)
      .send({ overlapSeconds: 600 });
    expect(rotated.status).toBe(200);
    const listener = listen('--port', String(port), '--secret', endpoint.secret);
    await waitFor(listener.stderr, /Listening on /);
    const wallet = (await createWallet('CHF')).body as { id: string };
    expect(await deliver()).toMatchObject({ delivered: 1, failed: 0 });
    await waitFor(listener.stdout, new RegExp(wallet.id));
    expect(listener.stderr.text).not.toContain('refused');
    listener.stop();
    expect(await listener.exit).toBe(EXIT.interrupted);
    await server.t.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(user.auth);
  });

  it('when --secret comes without --port, then exit 2', async () => {
    const listener = listen('--secret', 'whsec_x');
    expect(await listener.exit).toBe(EXIT.usage);
    expect(listener.stderr.text).toBe('ocp: webhooks listen: --secret needs the --port your webhook points at\n');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
