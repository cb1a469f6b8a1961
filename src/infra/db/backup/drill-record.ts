import { Gauge } from 'prom-client';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { SqlClient } from '../database';
import { inSystemScope } from '../../tenant-scope';

export interface DrillOutcome {
  ok: boolean;
  backupName: string;
  durationMs: number;
  report: Record<string, unknown>;
}

/** Stores one drill's outcome in the database whose backup it restored (migration 0280). */
export async function recordDrill(db: SqlClient, outcome: DrillOutcome): Promise<void> {
  // The drills are the whole database's, no tenant's: written and read as the owner.
  await inSystemScope(() =>
    db.query('INSERT INTO recovery_drills (ok, backup_name, duration_ms, report) VALUES ($1, $2, $3, $4)', [
      outcome.ok,
      outcome.backupName,
      Math.round(outcome.durationMs),
      JSON.stringify(outcome.report),
    ]),
  );
}

/** Seconds since the epoch of the last drill that passed, 0 when none ever did. */
export async function lastDrillSuccessSeconds(db: SqlClient): Promise<number> {
  const { rows } = await inSystemScope(() =>
    db.query<{ at: string | null }>('SELECT (extract(epoch FROM max(finished_at)))::text AS at FROM recovery_drills WHERE ok'),
  );
  return rows[0]?.at ? Number(rows[0].at) : 0;
}

/**
 * `ocp_recovery_drill_last_success_timestamp_seconds`, read from the database at scrape time: the
 * drill runs as a job of its own, so the API reports what it recorded. 0 when no drill ever passed,
 * so "older than 8 days" also fires for a drill that never ran (docker/prometheus/alerts.yml).
 */
export function registerRecoveryDrillMetrics(metrics: Metrics, db: SqlClient, logger: Logger): void {
  new Gauge({
    name: 'ocp_recovery_drill_last_success_timestamp_seconds',
    help: 'Unix time of the last npm run recovery-drill that passed (0: none ever did)',
    registers: [metrics.registry],
    async collect() {
      try {
        this.set(await lastDrillSuccessSeconds(db));
      } catch (error) {
        this.reset();
        logger.warn('recovery drill metric could not be read', { error });
      }
    },
  });
}
