-- Backups and their drills (docs/runbooks/backups-and-restore-drills.md).
-- One row per `npm run recovery-drill`, written by the drill's own process into the database it
-- checked the backup of, so the API exports the last success as a gauge and an alert sees a
-- schedule that stopped. A report: written once, never updated (one a week: no purge needed).
CREATE TABLE recovery_drills (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  finished_at  TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  ok           BOOLEAN NOT NULL,
  backup_name  TEXT NOT NULL,
  duration_ms  INTEGER NOT NULL,
  -- The drill's printed report: figures compared, checks run, what differed. No secret in it.
  report       JSONB NOT NULL
);
CREATE INDEX recovery_drills_success_idx ON recovery_drills (finished_at) WHERE ok;

-- The built-in scheduler's claims (BACKUP_SCHEDULE): one row per job, the slot last claimed. Every
-- API instance ticks; the one whose UPDATE moves slot_at forward runs that slot, the others see
-- it taken, so a daily backup runs once however many instances there are.
CREATE TABLE backup_schedule (
  job         TEXT PRIMARY KEY,
  slot_at     TIMESTAMPTZ(3) NOT NULL,
  claimed_by  TEXT NOT NULL,
  claimed_at  TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp()
);
