-- Views of data-model.md ("Views"), plus performance_metrics: the seed's wide table as a view over the
-- narrow samples (labels in metadata). Extra columns come after the specified ones.

CREATE VIEW performance_metrics AS
SELECT s.node_id,
       s.metric_category,
       s.metric_name,
       m.value AS metric_value,
       s.metric_unit,
       COALESCE(s.labels ->> 'test_type', 'telemetry') AS test_type,
       s.labels -> 'test_conditions' AS test_conditions,
       m.measured_at,
       COALESCE(s.labels ->> 'measured_by', 'strata-probe') AS measured_by,
       s.labels AS metadata,
       s.id AS series_id,
       s.kind
FROM metric_samples m
JOIN metric_series s ON s.id = m.series_id;

CREATE VIEW v_system_overview AS
SELECT n.node_name,
       n.node_role,
       n.cpu_model,
       n.cpu_cores_total,
       n.gpu_cores,
       n.ram_gb,
       n.storage_internal_tb,
       n.os_version,
       n.status,
       (SELECT ni.ipv4_address
        FROM network_interfaces ni
        WHERE ni.node_id = n.id AND ni.is_primary AND ni.is_active
        ORDER BY ni.interface_name
        LIMIT 1) AS primary_ip,
       (SELECT count(*) FROM services sv WHERE sv.node_id = n.id AND sv.status = 'running') AS running_services,
       (SELECT count(*) FROM software_versions sw WHERE sw.node_id = n.id AND sw.is_active) AS installed_software,
       n.id AS node_id,
       n.node_key,
       n.last_verified
FROM system_nodes n;

CREATE VIEW v_replication_health AS
SELECT p.node_name AS primary_node,
       COALESCE(r.node_name, rs.application_name, host(rs.client_address)) AS replica_node,
       rs.slot_name,
       rs.state,
       rs.sync_state,
       rs.replay_lag_ms,
       rs.replay_lag_bytes,
       rs.is_active,
       rs.last_check,
       rs.primary_node_id,
       rs.replica_node_id
FROM replication_status rs
JOIN system_nodes p ON p.id = rs.primary_node_id
LEFT JOIN system_nodes r ON r.id = rs.replica_node_id
WHERE rs.is_active;

CREATE VIEW v_service_status AS
SELECT n.node_name,
       sv.service_name,
       sv.service_type,
       sv.status,
       sv.port,
       sv.process_id,
       sv.started_at,
       round(sv.uptime_seconds / 3600.0, 2) AS uptime_hours,
       sv.node_id,
       sv.updated_at
FROM services sv
JOIN system_nodes n ON n.id = sv.node_id;

CREATE VIEW v_current_configuration AS
SELECT n.node_name,
       c.setting_name,
       c.setting_value,
       c.setting_unit,
       c.is_active,
       c.requires_restart,
       c.pending_value,
       c.context,
       c.node_id
FROM postgresql_configuration c
JOIN system_nodes n ON n.id = c.node_id
WHERE c.is_active;

-- Last 7 days, from hourly rollups (never a scan of raw samples): one row per node, category, name and unit.
CREATE VIEW v_performance_summary AS
SELECT n.node_name,
       s.metric_category,
       s.metric_name,
       sum(r.sum) / NULLIF(sum(r.sample_count), 0) AS avg_value,
       min(r.min) AS min_value,
       max(r.max) AS max_value,
       s.metric_unit,
       sum(r.sample_count)::bigint AS sample_count,
       n.id AS node_id
FROM rollups_hourly r
JOIN metric_series s ON s.id = r.series_id
JOIN system_nodes n ON n.id = s.node_id
WHERE r.bucket_start >= now() - interval '7 days'
GROUP BY n.id, n.node_name, s.metric_category, s.metric_name, s.metric_unit;
