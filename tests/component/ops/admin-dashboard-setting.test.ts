import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { ADMIN_DASHBOARD_DIST } from '../../../src/http/admin-dashboard';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('ADMIN_DASHBOARD_ENABLED', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('when it is not set, then the dashboard is on; "false" turns it off', () => {
    expect(loadConfig({}).ADMIN_DASHBOARD_ENABLED).toBe(true);
    expect(loadConfig({ ADMIN_DASHBOARD_ENABLED: 'false' }).ADMIN_DASHBOARD_ENABLED).toBe(false);
  });

  it('when it is false, then /admin is no route at all (404), whether or not the dashboard is built', async () => {
    t = await startTestApp({ ADMIN_DASHBOARD_ENABLED: 'false' });
    const res = await t.http().get('/admin/customers');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('when it is on, then the app serves the page from packages/dashboard/dist, or says it is not built', async () => {
    t = await startTestApp();
    const res = await t.http().get('/admin/customers');
    if (existsSync(join(ADMIN_DASHBOARD_DIST, 'index.html'))) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('<div id="root">');
    } else {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('dashboard_not_built');
    }
  });
});
