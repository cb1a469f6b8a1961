import { pgliteSnapshot } from './pglite-snapshot';

/** Once per `npm test`, before any worker starts: the PGlite dumps every test database starts from. */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  await pgliteSnapshot('migrated');
  await pgliteSnapshot('empty');
}
