import { registerAgent } from '../../support/agents';
import { createOperator, type AdminRoleName } from '../../support/admin';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Every admin route and the operator roles that may call it: the spec, written out by hand. */
const ROUTES: { method: Method; path: string; allowed: AdminRoleName[] }[] = [
  { method: 'post', path: '/api/v1/admin/users', allowed: ['admin'] },
  { method: 'post', path: '/api/v1/admin/api-clients', allowed: ['admin'] },
  { method: 'delete', path: '/api/v1/admin/api-clients/cli_x', allowed: ['admin'] },
  { method: 'get', path: '/api/v1/admin/audit', allowed: ['admin', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/wallets/wal_x/adjustments', allowed: ['admin', 'finance'] },
  { method: 'post', path: '/api/v1/admin/adjustment-requests', allowed: ['admin', 'finance'] },
  { method: 'get', path: '/api/v1/admin/adjustment-requests', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/adjustment-requests/adr_x/approve', allowed: ['admin', 'finance'] },
  { method: 'post', path: '/api/v1/admin/adjustment-requests/adr_x/reject', allowed: ['admin', 'finance'] },
  { method: 'get', path: '/api/v1/admin/customers', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/customers/usr_x', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/wallets/wal_x/freeze', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/wallets/wal_x/unfreeze', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/customers/usr_x/freeze', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/customers/usr_x/unfreeze', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/customers/usr_x/lock', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/customers/usr_x/unlock', allowed: ['admin', 'support'] },
  { method: 'post', path: '/api/v1/admin/refunds', allowed: ['admin', 'support'] },
  { method: 'get', path: '/api/v1/admin/refunds', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/refunds/rfr_x/approve', allowed: ['admin', 'finance'] },
  { method: 'post', path: '/api/v1/admin/refunds/rfr_x/reject', allowed: ['admin', 'finance'] },
  { method: 'get', path: '/api/v1/admin/card-refunds', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/card-refunds/crf_x', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/webhooks/whe_x/deliveries', allowed: ['admin', 'support', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/card-refunds/crf_x/retry', allowed: ['admin', 'finance'] },
  { method: 'get', path: '/api/v1/admin/transactions', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/alerts', allowed: ['admin', 'support', 'finance', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/alerts/alr_x/resolve', allowed: ['admin', 'support'] },
  { method: 'get', path: '/api/v1/admin/analytics/summary', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/analytics/timeseries', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/analytics/agent-refusals', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/ledger/verification', allowed: ['admin', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/reconciliations', allowed: ['admin', 'finance'] },
  { method: 'get', path: '/api/v1/admin/reconciliations', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/reconciliations/rcn_x', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/reconciliations/rcn_x/items', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/reconciliations/rcn_x/items.csv', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/risk/scores', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/risk/model', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'get', path: '/api/v1/admin/risk/reviews/rrv_x', allowed: ['admin', 'finance', 'auditor'] },
  { method: 'post', path: '/api/v1/admin/risk/model/reload', allowed: ['admin'] },
  { method: 'post', path: '/api/v1/admin/risk/reviews/rrv_x/approve', allowed: ['admin'] },
  { method: 'post', path: '/api/v1/admin/risk/reviews/rrv_x/reject', allowed: ['admin'] },
  { method: 'get', path: '/api/v1/admin/tenant', allowed: ['admin', 'auditor'] },
  { method: 'patch', path: '/api/v1/admin/tenant/settings', allowed: ['admin'] },
];

const ROLES: AdminRoleName[] = ['admin', 'support', 'finance', 'auditor'];

describe('admin roles and permissions', () => {
  let t: TestApp;
  const auth: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    t = await startTestApp();
    auth.admin = (await loginAdmin(t)).auth;
    for (const role of ['support', 'finance', 'auditor'] as const) auth[role] = (await createOperator(t, role)).auth;
    auth.user = (await registerUser(t)).auth;
    // A real agent, with the token the agents module issues.
    auth.agent = (await registerAgent(t)).auth;
  });
  afterAll(() => t.close());

  // Bodies are empty on purpose: an allowed caller gets past the permission check to a 400/404 (415
  // where the route takes a file, not JSON).
  const call = (method: Method, path: string, headers: Record<string, string>) => {
    const http = t.http();
    return http[method](path)
      .set(headers)
      .send(method === 'get' ? undefined : {});
  };

  it('when the OpenAPI document is read, then every admin route is in this table', async () => {
    const doc = (await t.http().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/admin'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path.replace(/\{[^}]+\}/g, ':p')}`))
      .sort();
    const listed = ROUTES.map((r) => `${r.method} ${r.path.replace(/\/(cli|wal|usr|rfr|adr|alr|crf|whe|rcn|rrv)_x/g, '/:p')}`).sort();
    expect(listed).toEqual(documented);
  });

  describe.each(ROUTES)('$method $path', ({ method, path, allowed }) => {
    it.each(ROLES)('when called as %s, then it is allowed exactly for the roles listed', async (role) => {
      const res = await call(method, path, auth[role]!);
      if (allowed.includes(role)) expect([200, 201, 204, 400, 404, 409, 415]).toContain(res.status);
      else {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });

    it.each(['user', 'agent'])('when called with a %s token, then 403', async (who) => {
      const res = await call(method, path, auth[who]!);
      expect(res.status).toBe(403);
    });
  });

  it('when a narrower operator calls a user route, then 403 (only the admin role keeps user powers)', async () => {
    for (const role of ['support', 'finance', 'auditor']) {
      const res = await t
        .http()
        .post('/api/v1/transactions/txn_x/refund')
        .set(auth[role]!)
        .set('Idempotency-Key', 'k1')
        .send({ reason: 'x' });
      expect(res.status).toBe(403);
    }
  });

  it('when an admin creates an operator with an unknown role or a weak password, then 400 and nobody is created', async () => {
    const before = await t.container.db.query("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
    const bad = [
      { email: 'x1@example.com', password: 'operator-password-42', role: 'root' },
      { email: 'x2@example.com', password: 'aaaaaaaaaaaaaaaa', role: 'support' },
      { email: 'x3@example.com', password: 'P@ssw0rd1234', role: 'support' },
    ];
    for (const body of bad) expect((await t.http().post('/api/v1/admin/users').set(auth.admin!).send(body)).status).toBe(400);
    const common = await t
      .http()
      .post('/api/v1/admin/users')
      .set(auth.admin!)
      .send({ email: 'x4@example.com', password: 'QWERTYuiop123', role: 'finance' });
    expect(common.body.error.code).toBe('password_too_common');
    const after = await t.container.db.query("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
    expect(after.rows).toEqual(before.rows);
  });
});
