import { loadConfig } from '../config/config';
import { Encryptor } from '../infra/crypto/envelope';
import { rotateKeys } from '../infra/crypto/reencrypt';
import { migrate } from '../infra/db/migrate';
import { openDatabase } from '../infra/db/open-database';
import { createLogger } from '../infra/logger';

/**
 * `npm run keys:rotate`: after putting a new key first in ENCRYPTION_KEYS, re-encrypts every
 * vaulted secret under it. Old keys can be removed from ENCRYPTION_KEYS once this reports no
 * failures. Safe to run while the service runs, and again.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const encryptor = new Encryptor(config.ENCRYPTION_KEYS);
    const results = await rotateKeys(db, encryptor);
    logger.info('encryption keys rotated', { activeKeyId: encryptor.activeKeyId, results });
    if (results.some((r) => r.failed > 0)) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  createLogger('error').error('key rotation failed', { error });
  process.exitCode = 1;
});
