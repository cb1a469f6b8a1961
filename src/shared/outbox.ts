import type { SqlClient } from '../infra/db/database';
import type { DomainEvent } from './events';

/**
 * Where events that must not be lost are written, in the same transaction as the change they
 * describe (the webhook module implements it). If that transaction rolls back, nothing is sent.
 */
export interface Outbox {
  enqueue(tx: SqlClient, events: readonly DomainEvent[]): Promise<unknown>;
}
