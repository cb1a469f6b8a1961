/**
 * How one storage engine writes a backup file and restores one. PostgreSQL uses pg_dump's custom
 * format; embedded PGlite uses its own data-folder tarball. Picked by config like the database.
 */
export interface BackupEngine {
  readonly engine: 'postgres' | 'pglite';
  /** File name ending of this engine's backups ("dump", "tar.gz"). */
  readonly extension: string;
  /** Writes one consistent backup of the whole database to path (which must not exist yet). */
  backup(path: string): Promise<void>;
  /** True when the target holds no table, sequence, view or function of its own. */
  isEmpty(): Promise<boolean>;
  /** Restores the backup at path into the (empty) target, all or nothing where the engine allows. */
  restore(path: string): Promise<void>;
}

/** A failure whose message is safe to print: it names no password, key or connection secret. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
