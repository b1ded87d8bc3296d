-- Sinks scaled out each refresh the materialized summary (V6) on their own schedule, so N sinks did the work N times
-- per interval (refreshes serialize on the materialized view's lock). A scheduled refresh now skips when another one
-- runs (an advisory lock: that one is as fresh as this would be) or when the summary was refreshed less than
-- p_min_age ago; it returns the time the summary is as of after the refresh, or NULL when it skipped.
-- strata_refresh_performance_summary() without argument (`strata-sink maintain`) still always refreshes.
CREATE FUNCTION strata_refresh_performance_summary(p_min_age INTERVAL) RETURNS TIMESTAMPTZ
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
DECLARE
    v_last TIMESTAMPTZ;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('strata.performance_summary_7d.refresh')) THEN
        RETURN NULL;
    END IF;
    SELECT max(refreshed_at) INTO v_last FROM public.performance_summary_7d;
    IF v_last IS NOT NULL AND v_last > now() - p_min_age THEN
        RETURN NULL;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.performance_summary_7d;
    RETURN now();
END
$$;

REVOKE EXECUTE ON FUNCTION strata_refresh_performance_summary(INTERVAL) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata_refresh_performance_summary(INTERVAL) TO strata_writer;
