/**
 * The unit of work, as the ports see it. Repository ports, services and shared ports (the outbox)
 * pass a `Transaction` from hand to hand without knowing what is inside, so none of them names a
 * SQL type and a document-store adapter could implement the same ports (against the conformance
 * suite) with its own session behind the handle. Only an adapter of the storage that opened the
 * transaction looks inside it (the SQL adapters through `sqlOf` in src/infra/db/database.ts).
 *
 * Type-only: at run time the handle is the engine's own transaction object, so this costs nothing.
 */
declare const transactionBrand: unique symbol;

export interface Transaction {
  readonly [transactionBrand]: 'Transaction';
}

/**
 * Opens transactions for a service that needs several port calls to commit or roll back together.
 * Services depend on this port, not on the database, so they never import src/infra/db.
 */
export interface TransactionRunner {
  /** Runs fn inside one transaction: it commits when fn resolves; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * As transaction(), run again from the start after a deadlock or a serialization failure (a few
   * times, with jitter). fn must be safe to repeat: it re-reads everything it needs inside the transaction.
   */
  transactionWithRetry<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * True when `error` says only that the transaction had already failed (PostgreSQL refuses every
   * statement after the first failure with SQLSTATE 25P02), so another, earlier error is the cause
   * to report. A store without that state answers false.
   */
  isAfterEarlierFailure(error: unknown): boolean;
}
