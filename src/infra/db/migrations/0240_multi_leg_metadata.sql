-- Multi-leg transactions and metadata search (docs/wallets-and-ledger.md, "Multi-leg transactions"
-- and "Metadata").
--
-- A multi-leg transaction (POST /api/v1/transactions) is posted as one ordinary transfer per leg,
-- written all or none in one database transaction; journal_id (mlt_…) ties the legs together and
-- journal_leg keeps their order. They are set in the posting's transaction, right after
-- ocp_post_transfers wrote the rows (that function is not changed here). Nullable columns: adding
-- them rewrites nothing.
ALTER TABLE transfers
  ADD COLUMN journal_id  TEXT,
  ADD COLUMN journal_leg SMALLINT,
  ADD CONSTRAINT transfers_journal_leg_with_id CHECK ((journal_id IS NULL) = (journal_leg IS NULL));
-- GET /transactions/multi-leg/{id} reads the legs of one; other transfers have no entry here.
CREATE UNIQUE INDEX IF NOT EXISTS transfers_journal_idx ON transfers (journal_id, journal_leg) WHERE journal_id IS NOT NULL;

-- metadata[key]=value filters are containments (metadata @> '{"key": "value"}'), which these
-- answer. jsonb_path_ops: smaller and faster than the default operator class for @>, the only
-- operator the filters use. Partial: most transfers carry no metadata, and a row left out of the
-- index costs its insert nothing here (the filters' SQL repeats `metadata <> '{}'`, so the planner
-- may use them). On a large table build them first by hand with CREATE INDEX CONCURRENTLY (same
-- names and definitions), as these block writes to the table while they build; this then does nothing.
CREATE INDEX IF NOT EXISTS transfers_metadata_idx ON transfers USING GIN (metadata jsonb_path_ops) WHERE metadata <> '{}'::jsonb;
CREATE INDEX IF NOT EXISTS wallets_metadata_idx ON wallets USING GIN (metadata jsonb_path_ops) WHERE metadata <> '{}'::jsonb;
