/**
 * Figures of one database state, read in the same snapshot the backup copies: every table's row
 * count and the wallets' balances (count, sum, and md5 of "id:balance" in id order). The recovery
 * drill reads them again from its restore and compares: the source keeps changing, the backup
 * does not. All numbers are decimal strings (bigint-safe, engine-neutral).
 */
export interface SnapshotFigures {
  tables: Record<string, string>;
  wallets: { count: string; balanceSum: string; checksum: string };
}

/**
 * How one storage engine writes a backup file and restores one. PostgreSQL uses pg_dump's custom
 * format; embedded PGlite uses its own data-folder tarball. Picked by config like the database.
 */
export interface BackupEngine {
  readonly engine: 'postgres' | 'pglite';
  /** File name ending of this engine's backups ("dump", "tar.gz"). */
  readonly extension: string;
  /**
   * Writes one consistent backup of the whole database to path (which must not exist yet), and
   * resolves to the figures (row counts, balances checksum) of the very state it copied.
   */
  backup(path: string): Promise<SnapshotFigures>;
  /** True when the target holds no table, sequence, view or function of its own. */
  isEmpty(): Promise<boolean>;
  /** Restores the backup at path into the (empty) target, all or nothing where the engine allows. */
  restore(path: string): Promise<void>;
}

/** A failure whose message is safe to print: it names no password, key or connection secret. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
