import { buildDashboardIfStale } from './browser';
import { pgliteSnapshot } from './pglite-snapshot';

/**
 * Once per `npm test`, before any worker starts: a dashboard build no older than its sources (for the
 * browser tests), and the PGlite dumps every test database starts from.
 */
export default async function globalSetup(): Promise<void> {
  buildDashboardIfStale();
  if (process.env.DATABASE_URL) return;
  await pgliteSnapshot('migrated');
  await pgliteSnapshot('empty');
}
