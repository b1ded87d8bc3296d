-- v_performance_summary (issue 7): aggregating every hourly rollup of the last 7 days at query time takes seconds
-- at 1000 nodes x 50 metrics (8.4M rows). The summary is now kept in a materialized view, refreshed by the sink on
-- a schedule (sink.summary-refresh-interval) and by `strata-sink maintain`; the view reads only that, so it answers
-- as of the last refresh (refreshed_at), not as of the query.

-- Aggregated per series first (one pass over the hourly rows, grouped by an integer key), then per node, category,
-- name and unit over the few series rows: cheaper than joining every hourly row to its series and node.
-- The expressions keep the types of the V3 view (double precision, bigint), so the view can be replaced in place.
CREATE MATERIALIZED VIEW performance_summary_7d AS
WITH per_series AS (
    SELECT r.series_id,
           sum(r.sum) AS value_sum,
           min(r.min) AS min_value,
           max(r.max) AS max_value,
           sum(r.sample_count) AS sample_count
    FROM rollups_hourly r
    WHERE r.bucket_start >= now() - interval '7 days'
    GROUP BY r.series_id
)
SELECT n.node_name,
       s.metric_category,
       s.metric_name,
       sum(p.value_sum) / NULLIF(sum(p.sample_count), 0) AS avg_value,
       min(p.min_value) AS min_value,
       max(p.max_value) AS max_value,
       s.metric_unit,
       sum(p.sample_count)::bigint AS sample_count,
       n.id AS node_id,
       now() AS refreshed_at
FROM per_series p
JOIN metric_series s ON s.id = p.series_id
JOIN system_nodes n ON n.id = s.node_id
GROUP BY n.id, n.node_name, s.metric_category, s.metric_name, s.metric_unit
WITH DATA;

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns; metric_unit may be NULL, hence NULLS NOT DISTINCT.
-- Also the index a reader filtering on a node uses.
CREATE UNIQUE INDEX performance_summary_7d_key
    ON performance_summary_7d (node_id, metric_category, metric_name, metric_unit) NULLS NOT DISTINCT;

-- Same columns, names, types and order as before; refreshed_at appended (when the figures were computed).
CREATE OR REPLACE VIEW v_performance_summary AS
SELECT node_name,
       metric_category,
       metric_name,
       avg_value,
       min_value,
       max_value,
       metric_unit,
       sample_count,
       node_id,
       refreshed_at
FROM performance_summary_7d;

-- Recomputes the summary; returns the time it is as of. CONCURRENTLY: readers of the view keep reading the previous
-- contents meanwhile (only another refresh waits). SECURITY DEFINER: a refresh needs the owner of the materialized
-- view; the sink's writer role only gets EXECUTE.
CREATE FUNCTION strata_refresh_performance_summary() RETURNS TIMESTAMPTZ
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.performance_summary_7d;
    RETURN now();
END
$$;

REVOKE EXECUTE ON FUNCTION strata_refresh_performance_summary() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata_refresh_performance_summary() TO strata_writer;
-- Readers query the view (it keeps its V4 grant, and reads the materialized view with its owner's rights); the
-- materialized view itself is granted to nobody.
