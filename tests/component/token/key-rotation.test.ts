import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encryptor } from '../../../src/infra/crypto/envelope';
import { rotateKeys } from '../../../src/infra/crypto/reencrypt';
import { PgliteDatabase } from '../../../src/infra/db/pglite';
import { seedDataDir } from '../../support/pglite-snapshot';
import { registerAgent } from '../../support/agents';
import { runScript } from '../../support/run-script';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const OLD = { id: 'old', key: Buffer.alloc(32, 11) };
const NEW = { id: 'new', key: Buffer.alloc(32, 22) };
const envKeys = (...keys: { id: string; key: Buffer }[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' };

describe('key rotation (npm run keys:rotate)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A chain is configured (no node needed) so a web3 wallet's vaulted key can be created too.
    t = await startTestApp({ ENCRYPTION_KEYS: envKeys(OLD), WEB3_CHAINS: '{"31337": {"rpcUrl": "http://127.0.0.1:9"}}' });
  });
  afterAll(() => t.close());

  async function envelopes() {
    const vault = await t.container.db.query<{ id: string; ct: string }>('SELECT id, ciphertext AS ct FROM token_vault');
    const hooks = await t.container.db.query<{ id: string; ct: string }>('SELECT id, secret_ciphertext AS ct FROM webhook_endpoints');
    // A rotated webhook secret still signing during its overlap is a secret at rest too.
    const previousHookSecrets = await t.container.db.query<{ id: string; ct: string }>(
      'SELECT id, previous_secret_ciphertext AS ct FROM webhook_endpoints WHERE previous_secret_ciphertext IS NOT NULL',
    );
    const chainKeys = await t.container.db.query<{ id: string; ct: string }>(
      'SELECT wallet_id AS id, key_ciphertext AS ct FROM web3_vault_keys',
    );
    const pushConfigs = await t.container.db.query<{ id: string; ct: string }>('SELECT id, secrets_ciphertext AS ct FROM a2a_push_configs');
    return [...vault.rows, ...hooks.rows, ...previousHookSecrets.rows, ...chainKeys.rows, ...pushConfigs.rows];
  }

  it('when a new key is put first and rotation runs, then every token, webhook secret, chain key and A2A push secret is under the new key and still decrypts', async () => {
    const alice = await registerUser(t);
    for (let i = 0; i < 3; i++) {
      expect((await t.http().post('/api/v1/tokens').set(alice.auth).send({ type: 'card', data: CARD })).status).toBe(201);
    }
    const hook = await t
      .http()
      .post('/api/v1/webhooks')
      .set(alice.auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['*'] });
    expect(hook.status).toBe(201);
    const rotatedHook = await t.http().post(`/api/v1/webhooks/${hook.body.id}/rotate-secret`).set(alice.auth).send({});
    expect(rotatedHook.status).toBe(200);
    const chainWallet = await t.http().post('/api/v1/web3/wallets').set(alice.auth).send({});
    expect(chainWallet.status).toBe(201);
    const agent = await registerAgent(t, { owner: alice });
    const push = { ownerAgentId: agent.id, taskId: 'task-1', configId: 'c1', url: 'https://push.example.com/a2a', token: 'push-token-1' };
    expect(await t.container.services.a2a.pushConfigs.save({ ...push, authentication: null }, 5)).toBe(true);
    const before = await envelopes();
    expect(before.length).toBe(7);
    expect(before.every((e) => e.ct.startsWith('v1.old.'))).toBe(true);

    const results = await rotateKeys(t.container.db, new Encryptor([NEW, OLD]));
    expect(results).toEqual([
      { table: 'token_vault', rotated: 3, failed: 0 },
      { table: 'webhook_endpoints', rotated: 1, failed: 0 },
      { table: 'webhook_endpoints', rotated: 1, failed: 0 },
      { table: 'web3_vault_keys', rotated: 1, failed: 0 },
      { table: 'a2a_push_configs', rotated: 1, failed: 0 },
      // No tenant has provider credentials here: tests/component/tenant/tenant-credentials.test.ts rotates them.
      { table: 'tenants', rotated: 0, failed: 0 },
    ]);

    const onlyNew = new Encryptor([NEW]);
    const after = await envelopes();
    expect(after.every((e) => e.ct.startsWith('v1.new.'))).toBe(true);
    const plain = after.map((e) => onlyNew.decrypt(e.ct, e.id).toString());
    expect(plain.filter((p) => p.includes('4242424242424242'))).toHaveLength(3);
    expect(plain).toContain(hook.body.secret);
    expect(plain).toContain(rotatedHook.body.secret);
    expect(plain.filter((p) => p.includes('push-token-1'))).toHaveLength(1);

    // A second run finds nothing left to do.
    expect((await rotateKeys(t.container.db, new Encryptor([NEW, OLD]))).map((r) => r.rotated)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('when a row was written under a key that is no longer configured, then it is counted as failed and left unchanged', async () => {
    const stranger = new Encryptor([{ id: 'gone', key: Buffer.alloc(32, 33) }]);
    await t.container.db.query(
      `INSERT INTO token_vault (id, type, brand, last4, exp_month, exp_year, fingerprint, ciphertext)
       VALUES ('vlt_orphan', 'card', 'visa', '4242', 12, 2040, 'fp', $1)`,
      [stranger.encrypt('{}', 'vlt_orphan')],
    );
    const [vault] = await rotateKeys(t.container.db, new Encryptor([NEW, OLD]));
    expect(vault).toEqual({ table: 'token_vault', rotated: 0, failed: 1 });
    const { rows } = await t.container.db.query<{ ciphertext: string }>("SELECT ciphertext FROM token_vault WHERE id = 'vlt_orphan'");
    expect(rows[0]!.ciphertext.startsWith('v1.gone.')).toBe(true);
  });

  it('when the npm script runs against a database on disk, then it re-encrypts to the first key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocp-rotate-'));
    try {
      await seedDataDir(dir);
      let db = await PgliteDatabase.open(join(dir, 'pglite'));
      await db.query(
        `INSERT INTO token_vault (id, type, brand, last4, exp_month, exp_year, fingerprint, ciphertext)
         VALUES ('vlt_disk', 'card', 'visa', '4242', 12, 2040, 'fp', $1)`,
        [new Encryptor([OLD]).encrypt('{"number":"4242424242424242"}', 'vlt_disk')],
      );
      await db.close();
      const run = await runScript('rotate-keys.ts', [], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATA_DIR: dir,
        ENCRYPTION_KEYS: envKeys(NEW, OLD),
      });
      expect(run.code).toBe(0);
      db = await PgliteDatabase.open(join(dir, 'pglite'));
      const { rows } = await db.query<{ ciphertext: string }>("SELECT ciphertext FROM token_vault WHERE id = 'vlt_disk'");
      await db.close();
      expect(rows[0]!.ciphertext.startsWith('v1.new.')).toBe(true);
      expect(new Encryptor([NEW]).decrypt(rows[0]!.ciphertext, 'vlt_disk').toString()).toContain('4242424242424242');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
