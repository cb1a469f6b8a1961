-- The risk screen's features, as in 0286, and two more inputs: the user a person's request acts for
-- and the address it came from (NULL for agents, servers and background work). new_ip is 1 when the
-- wallet belongs to that user, the user has a settled address (first seen a day ago or more), and
-- this address is not a settled one seen in the last 30 days; otherwise 0 (unknown: no address,
-- someone else's wallet, or a user too new to have a settled address). An address counts as known
-- only once settled, because a takeover's own login records the new address minutes before the transfer.
-- The addresses are read by the primary key's prefix (user_id), at most 8 rows (the table keeps 5),
-- so the function still walks only bounded index ranges, in the same single call per movement.
-- Failed card charges refused by the risk screen itself are not counted: a refusal is not a feature
-- (a retry is scored on the same records as the request it repeats).
DROP FUNCTION ocp_risk_aggregates(TEXT, TEXT);
CREATE FUNCTION ocp_risk_aggregates(p_wallet TEXT, p_counterparty TEXT, p_user TEXT, p_address TEXT)
RETURNS TABLE (
  balance BIGINT, past_count INT, past_total BIGINT, hour_count INT, hour_total BIGINT, day_count INT,
  to_counterparty_count INT, received_day BIGINT, failed_day INT, age_seconds FLOAT8, new_ip INT
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
           WHERE c.wallet_id = p_wallet AND c.status = 'failed' AND c.created_at > now() - interval '1 day'
             AND c.failure_code IS DISTINCT FROM 'risk_refused'),
         extract(epoch FROM now() - coalesce(u.created_at, w.created_at))::float8,
         CASE WHEN p_address IS NULL OR w.user_id IS DISTINCT FROM p_user THEN 0
              ELSE (SELECT CASE WHEN bool_or(a.settled) AND NOT coalesce(bool_or(a.address = p_address AND a.settled AND a.recent), false)
                                THEN 1 ELSE 0 END
                      FROM (SELECT ua.address,
                                   ua.first_seen_at <= now() - interval '1 day' AS settled,
                                   ua.last_seen_at > now() - interval '30 days' AS recent
                              FROM user_client_addresses ua WHERE ua.user_id = p_user LIMIT 8) a)
         END
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
