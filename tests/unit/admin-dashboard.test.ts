import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { mountAdminDashboard } from '../../src/http/admin-dashboard';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler';
import { requestId } from '../../src/http/request-id';
import { createLogger } from '../../src/infra/logger';
import { CapturedLogs } from '../support/test-app';

const INDEX = '<!doctype html><title>OCP admin</title><script type="module" src="/admin/assets/index-Ab12Cd.js"></script>';

/** The dashboard's serving on a bare app, over a build folder the test writes (or leaves empty). */
function appServing(distDir: string) {
  const app = express();
  app.use(requestId());
  mountAdminDashboard(app, distDir);
  app.use(notFoundHandler());
  app.use(errorHandler(createLogger('info', [new CapturedLogs()])));
  return app;
}

describe('the admin dashboard at /admin', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'ocp-dashboard-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  const build = () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd.js'), 'console.log("dashboard")');
  };

  it('when a client-side route is asked for, then the page comes back, never cached, allowed to run its own scripts only', async () => {
    build();
    const app = appServing(dist);
    for (const path of ['/admin/', '/admin/customers', '/admin/customers/usr_123', '/admin/analytics']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/connect-src 'self' https:/);
    }
  });

  it('when a hashed asset is asked for, then it is served with a year-long immutable cache; an unknown one is a JSON 404, not the page', async () => {
    build();
    const app = appServing(dist);
    const asset = await request(app).get('/admin/assets/index-Ab12Cd.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const missing = await request(app).get('/admin/assets/index-Old99.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route_not_found');
  });

  it('when the build is missing, then /admin answers 503 dashboard_not_built saying how to build it, until the build appears', async () => {
    const app = appServing(dist);
    const res = await request(app).get('/admin/customers');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual(
      expect.objectContaining({ code: 'dashboard_not_built', message: expect.stringContaining('npm run dashboard:build') }),
    );

    build();
    expect((await request(app).get('/admin/customers')).status).toBe(200);
  });

  it('when a path only starts like /admin, or is the admin API, then the dashboard leaves it alone', async () => {
    build();
    const app = appServing(dist);
    expect((await request(app).get('/administrator')).status).toBe(404);
    expect((await request(app).get('/api/v1/admin/customers')).status).toBe(404);
    expect((await request(app).post('/admin/customers')).status).toBe(404);
  });
});
