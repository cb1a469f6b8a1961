import type { Encryptor } from '../../../infra/crypto/envelope';
import { sha256Hex } from '../../../infra/crypto/ids';
import type { Database } from '../../../infra/db/database';
import type { A2aPushConfig, A2aPushConfigRecords } from '../../../protocols/a2a/ports';

interface PushConfigRow {
  id: string;
  owner_agent_id: string;
  task_id: string;
  config_id: string;
  url: string;
  auth_scheme: string | null;
  secrets_ciphertext: string | null;
}

interface Secrets {
  token: string;
  credentials: string;
}

/** The row id, derived so that replacing a config keeps the AAD its secrets were encrypted under. */
const rowId = (c: Pick<A2aPushConfig, 'ownerAgentId' | 'taskId' | 'configId'>) =>
  `apn_${sha256Hex(JSON.stringify([c.ownerAgentId, c.taskId, c.configId]))}`;

/** The PostgreSQL adapter; PGlite runs the same SQL. Token and credentials are encrypted at rest. */
export class SqlA2aPushConfigRepository implements A2aPushConfigRecords {
  constructor(
    private readonly db: Database,
    private readonly encryptor: Encryptor,
  ) {}

  async save(c: A2aPushConfig, perTaskMax: number) {
    const id = rowId(c);
    const secrets: Secrets = { token: c.token, credentials: c.authentication?.credentials ?? '' };
    const ciphertext = secrets.token || secrets.credentials ? this.encryptor.encrypt(JSON.stringify(secrets), id) : null;
    return this.db.transaction(async (tx) => {
      // Under READ COMMITTED two creates would both count the same rows; an advisory lock per task
      // makes them take turns, so a task cannot gather configs past the bound.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('a2a_push_configs:' || $1 || ':' || $2, 0))`, [
        c.ownerAgentId,
        c.taskId,
      ]);
      const { rows } = await tx.query(
        `INSERT INTO a2a_push_configs (id, owner_agent_id, task_id, config_id, url, auth_scheme, secrets_ciphertext)
       SELECT $1, $2, $3, $4, $5, $6, $7
        WHERE (SELECT count(*) FROM a2a_push_configs WHERE owner_agent_id = $2 AND task_id = $3 AND config_id <> $4) < $8
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, auth_scheme = excluded.auth_scheme,
              secrets_ciphertext = excluded.secrets_ciphertext, updated_at = now()
       RETURNING id`,
        [id, c.ownerAgentId, c.taskId, c.configId, c.url, c.authentication?.scheme ?? null, ciphertext, perTaskMax],
      );
      return rows.length === 1;
    });
  }

  async list(ownerAgentId: string, taskId: string) {
    const { rows } = await this.db.query<PushConfigRow>(
      'SELECT * FROM a2a_push_configs WHERE owner_agent_id = $1 AND task_id = $2 ORDER BY created_at, config_id',
      [ownerAgentId, taskId],
    );
    return rows.map((r) => this.toConfig(r));
  }

  async delete(ownerAgentId: string, taskId: string, configId: string) {
    await this.db.query('DELETE FROM a2a_push_configs WHERE id = $1', [rowId({ ownerAgentId, taskId, configId })]);
  }

  private toConfig(r: PushConfigRow): A2aPushConfig {
    const secrets: Secrets = r.secrets_ciphertext
      ? (JSON.parse(this.encryptor.decrypt(r.secrets_ciphertext, r.id).toString('utf8')) as Secrets)
      : { token: '', credentials: '' };
    return {
      ownerAgentId: r.owner_agent_id,
      taskId: r.task_id,
      configId: r.config_id,
      url: r.url,
      token: secrets.token,
      authentication: r.auth_scheme === null ? null : { scheme: r.auth_scheme, credentials: secrets.credentials },
    };
  }
}
