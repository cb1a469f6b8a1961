import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type {
  BreakerChange,
  BreakerPolicy,
  ClaimedDelivery,
  ClaimLanes,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryStatus,
  OutboxEvent,
  WebhookDeliveryStore,
} from '../webhook.repository';

interface ClaimedRow {
  id: string;
  tenant_id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  payload: unknown;
  traceparent: string | null;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
}

const LAST_ERROR_CHARS_MAX = 500;
/** Rows a claim looks at per row it may take: room for the per-endpoint caps to skip some. */
const CANDIDATES_PER_CLAIMED = 4;

/**
 * The outbox in SQL. Enqueue is a single INSERT … SELECT whatever the number of events, and when
 * the owner has no endpoint it is one index probe that inserts nothing: it sits on the money path.
 */
export class SqlWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(private readonly db: SqlClient) {}

  async enqueue(tx: Transaction, events: readonly OutboxEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const batch = events.map((e) => ({
      id: e.id,
      type: e.type,
      owner_id: e.ownerId,
      occurred_at: e.occurredAt.toISOString(),
      data: e.data,
      traceparent: e.traceparent ?? null,
    }));
    const { rowCount } = await sqlOf(tx).query(
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

  async claimDue(limit: number, leaseMs: number, lanes: ClaimLanes): Promise<ClaimedDelivery[]> {
    // SKIP LOCKED: concurrent workers each take different rows instead of queueing on the same
    // ones. The lease (next_attempt_at pushed forward) is committed at once, so no lock is held
    // while the HTTP call runs.
    // Lanes: endpoints whose breaker is open, or whose lane in this process is full, are left out
    // of the scan, so their backlog never stands in front of other endpoints' deliveries. Of the
    // rest, each endpoint gets at most its free slots (one probe when its breaker is half-open).
    // FOR UPDATE cannot sit beside a window function, hence the two steps; rows locked in the
    // first and not taken are released when this statement commits.
    const { rows } = await this.db.query<ClaimedRow>(
      `WITH candidates AS (
         SELECT d.id, d.endpoint_id, d.next_attempt_at,
                CASE WHEN e.breaker_open_until IS NULL THEN $4::int ELSE 1 END
                  - COALESCE(($3::jsonb ->> d.endpoint_id)::int, 0) AS slots
           FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now()
            AND (e.breaker_open_until IS NULL OR e.breaker_open_until <= now())
            AND COALESCE(($3::jsonb ->> d.endpoint_id)::int, 0) < $4::int
          ORDER BY d.next_attempt_at
          LIMIT $5
          FOR UPDATE OF d SKIP LOCKED
       ), due AS (
         SELECT id FROM (
           SELECT id, next_attempt_at, slots,
                  row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS n
             FROM candidates
         ) ranked
          WHERE n <= slots
          ORDER BY next_attempt_at
          LIMIT $1
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1,
              next_attempt_at = now() + $2 * interval '1 millisecond',
              updated_at = now()
         FROM due, webhook_endpoints e
        WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.tenant_id, d.event_id, d.event_type, d.occurred_at, d.payload, d.traceparent, d.attempts,
                 e.id AS endpoint_id, e.url, e.secret_ciphertext,
                 -- Signed with the previous secret too while its overlap lasts, judged at send time.
                 CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_ciphertext END AS previous_secret_ciphertext`,
      [limit, leaseMs, JSON.stringify(lanes.inFlightByEndpoint), lanes.perEndpointMax, limit * CANDIDATES_PER_CLAIMED],
    );
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      eventId: r.event_id,
      eventType: r.event_type,
      occurredAt: r.occurred_at,
      data: r.payload,
      traceparent: r.traceparent,
      attempts: r.attempts,
      endpointId: r.endpoint_id,
      url: r.url,
      secretCiphertext: r.secret_ciphertext,
      previousSecretCiphertext: r.previous_secret_ciphertext,
    }));
  }

  async recordEndpointSuccess(endpointId: string): Promise<BreakerChange | null> {
    // Locks and writes only when there is something to reset: a healthy endpoint's success costs
    // one index probe. FOR UPDATE re-reads a row changed meanwhile, so was_open is current.
    const { rows } = await this.db.query<{ was_open: boolean }>(
      `WITH old AS (
         SELECT id, breaker_open_until IS NOT NULL AS was_open FROM webhook_endpoints
          WHERE id = $1 AND (consecutive_failures > 0 OR breaker_open_until IS NOT NULL)
          FOR UPDATE
       )
       UPDATE webhook_endpoints e
          SET consecutive_failures = 0, breaker_trips = 0, breaker_open_until = NULL
         FROM old
        WHERE e.id = old.id
       RETURNING old.was_open`,
      [endpointId],
    );
    return rows[0]?.was_open ? { state: 'closed' } : null;
  }

  async recordEndpointFailure(endpointId: string, policy: BreakerPolicy): Promise<BreakerChange | null> {
    // One statement, so two workers failing on the same endpoint count both failures and open
    // it once. It (re)opens only when not open already: failures of requests still in flight when
    // it opened add to the count without lengthening the wait. Opening pushes the endpoint's due
    // deliveries to the end of the wait without touching their attempts.
    const { rows } = await this.db.query<{ open_until: Date; trips: number; deferred: string }>(
      `WITH opened AS (
         UPDATE webhook_endpoints
            SET consecutive_failures = consecutive_failures + 1,
                breaker_trips = breaker_trips + 1,
                breaker_open_until = now() + LEAST($4::float8, $3::float8 * 2 ^ LEAST(breaker_trips, 30)) * interval '1 millisecond'
          WHERE id = $1 AND consecutive_failures + 1 >= $2
            AND (breaker_open_until IS NULL OR breaker_open_until <= now())
         RETURNING id, breaker_open_until, breaker_trips
       ), counted AS (
         UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1
          WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM opened)
       ), deferred AS (
         UPDATE webhook_deliveries d SET next_attempt_at = o.breaker_open_until
           FROM opened o
          WHERE d.endpoint_id = o.id AND d.status = 'pending' AND d.next_attempt_at < o.breaker_open_until
         RETURNING d.id
       )
       SELECT breaker_open_until AS open_until, breaker_trips AS trips, (SELECT count(*) FROM deferred) AS deferred FROM opened`,
      [endpointId, policy.failuresToOpen, policy.openBaseMs, policy.openMaxMs],
    );
    const row = rows[0];
    return row ? { state: 'opened', openUntil: row.open_until, trips: row.trips, deferred: Number(row.deferred) } : null;
  }

  async countBreakers(): Promise<{ open: number; halfOpen: number }> {
    const { rows } = await this.db.query<{ open: string; half_open: string }>(
      `SELECT count(*) FILTER (WHERE breaker_open_until > now()) AS open,
              count(*) FILTER (WHERE breaker_open_until <= now()) AS half_open
         FROM webhook_endpoints WHERE breaker_open_until IS NOT NULL`,
    );
    return { open: Number(rows[0]?.open ?? 0), halfOpen: Number(rows[0]?.half_open ?? 0) };
  }

  async markDelivered(d: ClaimedDelivery, responseCode: number): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
          SET status = 'delivered', delivered_at = now(), last_error = NULL, last_response_code = $3,
              last_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, responseCode],
    );
  }

  async scheduleRetry(d: ClaimedDelivery, delayMs: number, error: string, responseCode: number | null): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
          SET next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4, last_response_code = $5,
              last_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, delayMs, error.slice(0, LAST_ERROR_CHARS_MAX), responseCode],
    );
  }

  async markFailed(d: ClaimedDelivery, error: string, responseCode: number | null): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries
          SET status = 'failed', last_error = $3, last_response_code = $4, last_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, error.slice(0, LAST_ERROR_CHARS_MAX), responseCode],
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

  async listByEndpoint(endpointId: string, { status, limit, after }: DeliveryFilter): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
        WHERE endpoint_id = $1
          AND ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
        ORDER BY created_at DESC, id DESC
        LIMIT $5`,
      [endpointId, status ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toDeliveryRecord);
  }

  async findByEndpoint(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`,
      [deliveryId, endpointId],
    );
    return rows[0] ? toDeliveryRecord(rows[0]) : null;
  }

  async requeueSettled(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    // Only a settled row: a pending one may be leased by a worker right now, and resetting its
    // attempts would let that worker's fenced outcome update land on the new round. A settled row
    // has no outcome update left to come (they all require status = 'pending').
    const { rows } = await this.db.query<DeliveryRow>(
      `UPDATE webhook_deliveries
          SET status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL, updated_at = now()
        WHERE id = $1 AND endpoint_id = $2 AND status <> 'pending'
       RETURNING ${DELIVERY_COLUMNS}`,
      [deliveryId, endpointId],
    );
    return rows[0] ? toDeliveryRecord(rows[0]) : null;
  }

  async enqueueToEndpoint(endpointId: string, event: OutboxEvent): Promise<DeliveryRecord> {
    const { rows } = await this.db.query<DeliveryRow>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, occurred_at, payload, traceparent)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       RETURNING ${DELIVERY_COLUMNS}`,
      [endpointId, event.id, event.type, event.occurredAt, JSON.stringify(event.data), event.traceparent ?? null],
    );
    return toDeliveryRecord(rows[0]!);
  }
}

const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_type, status, attempts, last_response_code, last_error,
  last_attempt_at, next_attempt_at, delivered_at, created_at`;

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_response_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  delivered_at: Date | null;
  created_at: Date;
}

const toDeliveryRecord = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastResponseCode: r.last_response_code,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});
