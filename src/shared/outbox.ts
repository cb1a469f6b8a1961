import type { Transaction } from './transaction';
import type { DomainEvent } from './events';

/**
 * Where events that must not be lost are written, in the same transaction as the change they
 * describe (the webhook module implements it). If that transaction rolls back, nothing is sent.
 */
export interface Outbox {
  enqueue(tx: Transaction, events: readonly DomainEvent[]): Promise<unknown>;
}
