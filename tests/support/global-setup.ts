import { migratedSnapshot } from './pglite-snapshot';

/** Once per `npm test`, before any worker starts: the migrated PGlite every test file starts from. */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) await migratedSnapshot();
}
