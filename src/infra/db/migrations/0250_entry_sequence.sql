-- Balance at a point in time and statements (GET /wallets/{id}/balance?at=, /statement) read a
-- wallet's entries in posting order. created_at alone cannot give it: the entries of one posting
-- group share their transaction's created_at, and entry ids are random. An identity column is
-- assigned as each row is inserted, so it follows the order ocp_post_transfers writes the rows in
-- (its INSERT … SELECT produces them transfer by transfer, debit then credit), and within a wallet
-- the row locks make that the order the balances were computed in.
--
-- Adding the column rewrites the table (existing rows are numbered in their physical order, which
-- for one group is its insert order) under an ACCESS EXCLUSIVE lock: on a large ledger, run it in
-- a maintenance window.
ALTER TABLE transactions ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;

-- The point-in-time lookup is one probe: the last entry of a wallet at or before t, by
-- (created_at, seq), read backwards from t; balance_after is included so the probe does not visit
-- the table. The existing (wallet_id, created_at DESC, id DESC) index orders ties by a random id.
-- It is one more index every posting writes (two entries per transfer): bench the transfer path with it.
CREATE INDEX transactions_wallet_created_seq_idx ON transactions (wallet_id, created_at, seq) INCLUDE (balance_after);
