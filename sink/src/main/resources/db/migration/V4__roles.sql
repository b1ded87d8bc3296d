-- Two NOLOGIN roles the operator grants to login users (GRANT strata_writer TO sink_login):
--   strata_writer: what the sink needs (DML on the tables it writes, EXECUTE on partition maintenance);
--                  it owns nothing, so it cannot drop or alter tables. Partition DDL goes through the
--                  SECURITY DEFINER strata_* functions, which run as the owner of the schema objects
--                  (the login that ran these migrations).
--   strata_reader: SELECT on the state tables, metrics and views users query; nothing else.
-- Roles are cluster-wide: they may already exist (another database, a re-run), so create them only if missing.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_writer') THEN
        CREATE ROLE strata_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_reader') THEN
        CREATE ROLE strata_reader NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO strata_writer, strata_reader;

-- The sink: state is upserted and marked inactive, never deleted.
GRANT SELECT, INSERT, UPDATE ON system_nodes, network_interfaces, software_versions, services,
    postgresql_configuration, replication_status, database_schemas, documentation_files TO strata_writer;
-- Snapshots: automated ones beyond the newest N are pruned.
GRANT SELECT, INSERT, UPDATE, DELETE ON system_state_snapshots TO strata_writer;
-- Audit trail: append only.
GRANT SELECT, INSERT ON change_log TO strata_writer;
GRANT SELECT, INSERT, UPDATE ON metric_series TO strata_writer;
GRANT SELECT, INSERT ON metric_samples TO strata_writer;
GRANT SELECT, INSERT, UPDATE ON rollups_hourly, rollups_daily TO strata_writer;
GRANT SELECT, INSERT, UPDATE ON sink_offsets TO strata_writer;

-- Functions are executable by PUBLIC by default: restrict them.
REVOKE EXECUTE ON FUNCTION strata_ensure_partition(TEXT, TIMESTAMPTZ),
    strata_ensure_partitions(TEXT, TIMESTAMPTZ, TIMESTAMPTZ),
    strata_settle_default_partition(TEXT),
    strata_drop_partitions_before(TEXT, TIMESTAMPTZ),
    strata_partitions(TEXT),
    strata_partition_grain(TEXT),
    strata_try_inet(TEXT),
    strata_try_macaddr(TEXT),
    strata_to_jsonb(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata_ensure_partition(TEXT, TIMESTAMPTZ),
    strata_ensure_partitions(TEXT, TIMESTAMPTZ, TIMESTAMPTZ),
    strata_settle_default_partition(TEXT),
    strata_drop_partitions_before(TEXT, TIMESTAMPTZ),
    strata_partitions(TEXT),
    strata_partition_grain(TEXT),
    strata_try_inet(TEXT),
    strata_try_macaddr(TEXT),
    strata_to_jsonb(TEXT) TO strata_writer;

-- Downstream users: the state, the audit trail, the metrics and the views; not the sink's offsets,
-- not Flyway's history, no functions.
GRANT SELECT ON system_nodes, network_interfaces, software_versions, services, postgresql_configuration,
    replication_status, database_schemas, documentation_files, system_state_snapshots, change_log,
    metric_series, metric_samples, rollups_hourly, rollups_daily TO strata_reader;
GRANT SELECT ON performance_metrics, v_system_overview, v_replication_health, v_service_status,
    v_current_configuration, v_performance_summary TO strata_reader;
