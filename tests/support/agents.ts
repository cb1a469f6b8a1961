import { randomUUID } from 'node:crypto';
import { createWallet, fund, type TestUser } from './ledger';
import { registerUser, type TestApp } from './test-app';

export interface TestAgent {
  id: string;
  walletId: string;
  owner: TestUser;
  clientId: string;
  clientSecret: string;
  auth: { Authorization: string };
}

/** Registers an agent for `owner` (a new user with a funded USD wallet when not given) and logs it in; no policy means `unlimited: true`. */
export async function registerAgent(
  t: TestApp,
  options: { owner?: TestUser; policy?: Record<string, unknown>; funds?: number; walletId?: string; name?: string } = {},
): Promise<TestAgent> {
  const owner = options.owner ?? (await registerUser(t));
  let walletId = options.walletId;
  if (!walletId) {
    walletId = (await createWallet(t, owner)).id;
    if ((options.funds ?? 0) > 0) await fund(t, walletId, options.funds!);
  }
  const res = await t
    .http()
    .post('/api/v1/agents')
    .set(owner.auth)
    .send({ name: options.name ?? 'shopper', walletId, ...(options.policy ? { policy: options.policy } : { unlimited: true }) });
  if (res.status !== 201) throw new Error(`register agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { clientId, clientSecret } = res.body.credentials as { clientId: string; clientSecret: string };
  const token = await agentToken(t, clientId, clientSecret);
  return { id: res.body.id, walletId, owner, clientId, clientSecret, auth: { Authorization: `Bearer ${token}` } };
}

export async function agentToken(t: TestApp, clientId: string, clientSecret: string): Promise<string> {
  const res = await t.http().post('/api/v1/auth/token').send({ clientId, clientSecret });
  if (res.status !== 200) throw new Error(`agent token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export function a2aTransfer(t: TestApp, agent: TestAgent, body: Record<string, unknown>, key: string = randomUUID()) {
  return t.http().post('/api/v1/a2a/transfers').set(agent.auth).set('Idempotency-Key', key).send(body);
}
