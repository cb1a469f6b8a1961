import type { SqlClient } from '../../../infra/db/database';
import type { ClaimedDelivery, OutboxEvent, WebhookDeliveryStore } from '../webhook.repository';

interface ClaimedRow {
  id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  payload: unknown;
  traceparent: string | null;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret_ciphertext: string;
}

const LAST_ERROR_CHARS_MAX = 500;

/**
 * The outbox in SQL. Enqueue is a single INSERT … SELECT whatever the number of events, and when
 * the owner has no endpoint it is one index probe that inserts nothing: it sits on the money path.
 */
export class SqlWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(private readonly db: SqlClient) {}

  async enqueue(tx: SqlClient, events: readonly OutboxEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const batch = events.map((e) => ({
      id: e.id,
      type: e.type,
      owner_id: e.ownerId,
      occurred_at: e.occurredAt.toISOString(),
      data: e.data,
      traceparent: e.traceparent ?? null,
    }));
    const { rowCount } = await tx.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, occurred_at, payload, traceparent)
       SELECT e.id, ev.id, ev.type, ev.occurred_at, ev.data, ev.traceparent
         FROM jsonb_to_recordset($1::jsonb)
              AS ev(id text, type text, owner_id text, occurred_at timestamptz, data jsonb, traceparent text)
         JOIN webhook_endpoints e
           ON e.owner_id = ev.owner_id AND (ev.type = ANY (e.events) OR '*' = ANY (e.events))
       ON CONFLICT ON CONSTRAINT webhook_deliveries_event_endpoint_key DO NOTHING`,
      [JSON.stringify(batch)],
    );
    return rowCount;
  }

  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    // SKIP LOCKED: concurrent workers each take different rows instead of queueing on the same
    // ones. The lease (next_attempt_at pushed forward) is committed at once, so no lock is held
    // while the HTTP call runs.
    const { rows } = await this.db.query<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1,
              next_attempt_at = now() + $2 * interval '1 millisecond',
              updated_at = now()
         FROM due, webhook_endpoints e
        WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.event_id, d.event_type, d.occurred_at, d.payload, d.traceparent, d.attempts,
                 e.id AS endpoint_id, e.url, e.secret_ciphertext`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      occurredAt: r.occurred_at,
      data: r.payload,
      traceparent: r.traceparent,
      attempts: r.attempts,
      endpointId: r.endpoint_id,
      url: r.url,
      secretCiphertext: r.secret_ciphertext,
    }));
  }

  async markDelivered(d: ClaimedDelivery): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
          SET status = 'delivered', delivered_at = now(), last_error = NULL, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts],
    );
  }

  async scheduleRetry(d: ClaimedDelivery, delayMs: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
          SET next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, delayMs, error.slice(0, LAST_ERROR_CHARS_MAX)],
    );
  }

  async markFailed(d: ClaimedDelivery, error: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $3, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, error.slice(0, LAST_ERROR_CHARS_MAX)],
    );
  }

  async deleteSettled(olderThanMs: number, limit: number): Promise<number> {
    // updated_at is when the row settled (markDelivered / markFailed set it). The partial index
    // of migration 0110 serves the ORDER BY … LIMIT; SKIP LOCKED lets instances purge side by side.
    // `= ANY (ARRAY(…))`, not `IN (…)`: with IN the planner may hash-join against a sequential
    // scan of the whole table; the array makes the delete primary-key lookups.
    const { rowCount } = await this.db.query(
      `DELETE FROM webhook_deliveries
        WHERE id = ANY (ARRAY(
          SELECT id FROM webhook_deliveries
           WHERE status <> 'pending' AND updated_at < now() - $1 * interval '1 millisecond'
           ORDER BY updated_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED))`,
      [olderThanMs, limit],
    );
    return rowCount;
  }
}
