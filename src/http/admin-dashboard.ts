import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { NotFound, Unavailable } from '../shared/errors';

export const ADMIN_DASHBOARD_PATH = '/admin';
/** Where `npm run dashboard:build` leaves the static build (packages/dashboard, Vite's outDir). */
export const ADMIN_DASHBOARD_DIST = join(__dirname, '..', '..', 'packages', 'dashboard', 'dist');

/** Vite names every built asset after its content hash: a changed file is a new URL, so the old one may be cached for good. */
const HASHED_ASSET_MAX_AGE = '365d';

/**
 * The admin dashboard's static build at /admin: its assets, and index.html for every other path
 * below it (the client-side routes, /admin/customers/…). The page signs operators in with the API
 * and calls it like any client; nothing here grants access to data.
 */
export function mountAdminDashboard(app: Express, distDir = ADMIN_DASHBOARD_DIST): void {
  const indexFile = join(distDir, 'index.html');
  const router = express.Router();
  // The page may call another OCP than the one serving it (its sign-in form takes the API URL):
  // fetches may go to https origins; scripts still come from this origin only. Images also from
  // https: a tenant's logo (its branding's logoUrl, https only) lives on the tenant's own site.
  router.use(helmet.contentSecurityPolicy({ directives: { connectSrc: ["'self'", 'https:'], imgSrc: ["'self'", 'data:', 'https:'] } }));
  // Checked per request, so a build made while the server runs is served without a restart.
  router.use((_req, _res, next) => {
    if (existsSync(indexFile)) return next();
    return next(new Unavailable('The admin dashboard is not built on this server: run npm run dashboard:build', 'dashboard_not_built'));
  });
  router.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: HASHED_ASSET_MAX_AGE, index: false }));
  // An asset of another build is a 404, not the page: a script tag would otherwise get HTML.
  router.use('/assets', (req, _res, next) => next(new NotFound(`No dashboard asset ${req.originalUrl}`, 'route_not_found')));
  router.use(express.static(distDir, { index: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }));
  router.get(/.*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  app.use(ADMIN_DASHBOARD_PATH, router);
}
