import type { Database } from '../../../infra/db/database';
import type { RotatedSecret, WebhookEndpoint, WebhookEndpointRepository, WebhookEventFilter } from '../webhook.repository';

interface EndpointRow {
  id: string;
  owner_id: string;
  url: string;
  events: WebhookEventFilter[];
  secret_ciphertext: string;
  created_at: Date;
}

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  ownerId: r.owner_id,
  url: r.url,
  events: r.events,
  secretCiphertext: r.secret_ciphertext,
  createdAt: r.created_at,
});

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly db: Database) {}

  async createWithinLimit(e: Omit<WebhookEndpoint, 'createdAt'>, perOwnerMax: number): Promise<WebhookEndpoint | null> {
    return this.db.transaction(async (tx) => {
      // Under READ COMMITTED a count then an insert races; a per-owner advisory lock makes
      // concurrent creations by one owner take turns (the owner may have no row to lock).
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || $1, 0))`, [e.ownerId]);
      const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints WHERE owner_id = $1', [e.ownerId]);
      if ((rows[0]?.n ?? 0) >= perOwnerMax) return null;
      const inserted = await tx.query<EndpointRow>(
        `INSERT INTO webhook_endpoints (id, owner_id, url, events, secret_ciphertext)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [e.id, e.ownerId, e.url, e.events, e.secretCiphertext],
      );
      return toEndpoint(inserted.rows[0]!);
    });
  }

  async listByOwner(ownerId: string): Promise<WebhookEndpoint[]> {
    const { rows } = await this.db.query<EndpointRow>(
      'SELECT * FROM webhook_endpoints WHERE owner_id = $1 ORDER BY created_at DESC, id DESC',
      [ownerId],
    );
    return rows.map(toEndpoint);
  }

  async deleteOwned(ownerId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM webhook_endpoints WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return rowCount > 0;
  }

  async find(id: string, ownerId?: string): Promise<WebhookEndpoint | null> {
    const { rows } = await this.db.query<EndpointRow>(
      'SELECT * FROM webhook_endpoints WHERE id = $1 AND ($2::text IS NULL OR owner_id = $2)',
      [id, ownerId ?? null],
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async rotateSecret(ownerId: string, id: string, secretCiphertext: string, overlapSeconds: number): Promise<RotatedSecret | null> {
    // One statement: the right-hand sides read the row as it was, so the replaced secret becomes the
    // previous one atomically (two concurrent rotations take turns on the row lock). The expiry is
    // the database's clock, the one the delivery claim compares it with.
    const { rows } = await this.db.query<{ previous_secret_expires_at: Date | null }>(
      `UPDATE webhook_endpoints
          SET previous_secret_ciphertext = CASE WHEN $4::int > 0 THEN secret_ciphertext END,
              previous_secret_expires_at = CASE WHEN $4::int > 0 THEN now() + $4::int * interval '1 second' END,
              secret_ciphertext = $3
        WHERE id = $1 AND owner_id = $2
      RETURNING previous_secret_expires_at`,
      [id, ownerId, secretCiphertext, overlapSeconds],
    );
    return rows[0] ? { previousSecretExpiresAt: rows[0].previous_secret_expires_at } : null;
  }
}
