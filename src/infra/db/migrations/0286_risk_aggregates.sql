-- The risk screen's features (SqlRiskRepository.aggregates, docs/risk.md), read before every money
-- movement posts. Each part walks an index newest first and stops at its bound. Run as a plain
-- statement, the planner read every transfer of the wallet instead (a bitmap scan, then a sort for
-- the newest) whenever its statistics lagged behind a fast-growing transfers table: PostgreSQL's
-- CPU per transfer quadrupled in npm run bench. Bitmap scans and sorts are off inside this function
-- only (a function's SET lasts for its call; nothing is left on the connection, so pgbouncer's
-- transaction pooling is safe), and PL/pgSQL keeps the plan per connection.
CREATE FUNCTION ocp_risk_aggregates(p_wallet TEXT, p_counterparty TEXT)
RETURNS TABLE (
  balance BIGINT, past_count INT, past_total BIGINT, hour_count INT, hour_total BIGINT, day_count INT,
  to_counterparty_count INT, received_day BIGINT, failed_day INT, age_seconds FLOAT8
)
LANGUAGE plpgsql STABLE
SET enable_bitmapscan = off
SET enable_sort = off
AS $$
BEGIN
  RETURN QUERY
  SELECT w.balance, past.n, past.total, past.hour_n, past.hour_total, past.day_n, past.to_counterparty,
         (SELECT coalesce(sum(r.amount), 0)::bigint FROM (
            SELECT t.amount FROM transfers t
             WHERE t.to_wallet_id = p_wallet AND t.created_at > now() - interval '1 day' AND t.from_wallet_id NOT LIKE 'sys\_%'
             ORDER BY t.created_at DESC LIMIT 30) r),
         (SELECT count(*)::int FROM card_charges c
           WHERE c.wallet_id = p_wallet AND c.status = 'failed' AND c.created_at > now() - interval '1 day'),
         extract(epoch FROM now() - coalesce(u.created_at, w.created_at))::float8
    FROM wallets w
    LEFT JOIN users u ON u.id = w.user_id
    -- One pass over the newest outgoing transfers for every figure taken from them.
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n, coalesce(sum(p.amount), 0)::bigint AS total,
             (count(*) FILTER (WHERE p.created_at > now() - interval '1 hour'))::int AS hour_n,
             coalesce(sum(p.amount) FILTER (WHERE p.created_at > now() - interval '1 hour'), 0)::bigint AS hour_total,
             (count(*) FILTER (WHERE p.created_at > now() - interval '1 day'))::int AS day_n,
             (count(*) FILTER (WHERE p.to_wallet_id = p_counterparty))::int AS to_counterparty
        FROM (SELECT t.amount, t.to_wallet_id, t.created_at FROM transfers t
               WHERE t.from_wallet_id = p_wallet AND t.created_at > now() - interval '90 days'
               ORDER BY t.created_at DESC LIMIT 30) p) past
   WHERE w.id = p_wallet;
END;
$$;
