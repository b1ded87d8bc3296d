package io.strata.sink.db;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every table and view of /work/shared/design/data-model.md with the columns it names, written out by hand. */
final class DataModel {
    private DataModel() {}

    private static final List<String> COMMON = List.of("id", "metadata", "created_at", "updated_at");

    static Map<String, List<String>> tables() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put(
                "system_nodes",
                withCommon(
                        "node_name",
                        "node_role",
                        "model_name",
                        "model_identifier",
                        "serial_number",
                        "hardware_uuid",
                        "cpu_model",
                        "cpu_architecture",
                        "cpu_cores_total",
                        "cpu_cores_performance",
                        "cpu_cores_efficiency",
                        "gpu_model",
                        "gpu_cores",
                        "ram_gb",
                        "storage_internal_tb",
                        "os_name",
                        "os_version",
                        "os_build",
                        "kernel_version",
                        "status",
                        "last_verified",
                        "node_key"));
        t.put(
                "network_interfaces",
                withCommon(
                        "node_id",
                        "interface_name",
                        "interface_type",
                        "mac_address",
                        "ipv4_address",
                        "ipv4_netmask",
                        "ipv4_gateway",
                        "ipv6_address",
                        "connection_speed_mbps",
                        "is_primary",
                        "is_active"));
        t.put(
                "software_versions",
                withCommon(
                        "node_id",
                        "software_name",
                        "software_version",
                        "software_architecture",
                        "runtime_mode",
                        "install_path",
                        "is_active",
                        "installed_at"));
        t.put(
                "services",
                withCommon(
                        "node_id",
                        "service_name",
                        "service_type",
                        "process_id",
                        "port",
                        "bind_address",
                        "executable_path",
                        "status",
                        "started_at",
                        "uptime_seconds"));
        t.put(
                "postgresql_configuration",
                withCommon(
                        "node_id",
                        "setting_name",
                        "setting_value",
                        "setting_unit",
                        "setting_category",
                        "setting_short_desc",
                        "context",
                        "is_active",
                        "requires_restart",
                        "pending_value"));
        t.put(
                "replication_status",
                withCommon(
                        "primary_node_id",
                        "replica_node_id",
                        "slot_name",
                        "application_name",
                        "client_address",
                        "state",
                        "sync_state",
                        "replay_lag_ms",
                        "replay_lag_bytes",
                        "write_lag_ms",
                        "flush_lag_ms",
                        "is_active",
                        "last_check"));
        t.put(
                "database_schemas",
                withCommon(
                        "node_id",
                        "database_name",
                        "schema_name",
                        "table_name",
                        "column_name",
                        "data_type",
                        "is_nullable",
                        "column_default",
                        "is_primary_key",
                        "foreign_key_table",
                        "foreign_key_column",
                        "index_name",
                        "index_type",
                        "index_definition",
                        "table_size_bytes",
                        "index_size_bytes"));
        t.put(
                "documentation_files",
                withCommon("file_name", "file_path", "file_size_bytes", "file_hash", "category", "is_latest"));
        t.put(
                "system_state_snapshots",
                withCommon(
                        "snapshot_name",
                        "snapshot_type",
                        "description",
                        "verification_status",
                        "tests_passed",
                        "tests_failed",
                        "state_json",
                        "state_hash",
                        "created_by"));
        t.put(
                "change_log",
                withCommon(
                        "node_id",
                        "change_type",
                        "change_category",
                        "table_affected",
                        "record_id",
                        "change_description",
                        "old_value",
                        "new_value",
                        "changed_by",
                        "change_reason",
                        "verification_status"));
        t.put(
                "metric_series",
                List.of(
                        "id",
                        "node_id",
                        "metric_category",
                        "metric_name",
                        "metric_unit",
                        "labels",
                        "kind",
                        "created_at"));
        t.put("metric_samples", List.of("series_id", "measured_at", "value"));
        List<String> rollup = List.of(
                "series_id",
                "bucket_start",
                "bucket_end",
                "sample_count",
                "sum",
                "min",
                "max",
                "avg",
                "first",
                "last",
                "increase",
                "p50",
                "p95",
                "p99",
                "sketch",
                "revision",
                "samples_expected",
                "updated_at");
        t.put("rollups_hourly", rollup);
        t.put("rollups_daily", rollup);
        t.put("sink_offsets", List.of("consumer_group", "topic", "kafka_partition", "next_offset", "updated_at"));
        t.put("sink_node_sequences", List.of("consumer_group", "node_key", "last_sequence", "updated_at"));
        return t;
    }

    static Map<String, List<String>> views() {
        Map<String, List<String>> v = new LinkedHashMap<>();
        v.put(
                "performance_metrics",
                List.of(
                        "node_id",
                        "metric_category",
                        "metric_name",
                        "metric_value",
                        "metric_unit",
                        "test_type",
                        "test_conditions",
                        "measured_at",
                        "measured_by",
                        "metadata"));
        v.put(
                "v_system_overview",
                List.of(
                        "node_name",
                        "node_role",
                        "cpu_model",
                        "cpu_cores_total",
                        "gpu_cores",
                        "ram_gb",
                        "storage_internal_tb",
                        "os_version",
                        "status",
                        "primary_ip",
                        "running_services",
                        "installed_software"));
        v.put(
                "v_replication_health",
                List.of(
                        "primary_node",
                        "replica_node",
                        "slot_name",
                        "state",
                        "sync_state",
                        "replay_lag_ms",
                        "replay_lag_bytes",
                        "is_active",
                        "last_check"));
        v.put(
                "v_service_status",
                List.of(
                        "node_name",
                        "service_name",
                        "service_type",
                        "status",
                        "port",
                        "process_id",
                        "started_at",
                        "uptime_hours"));
        v.put(
                "v_current_configuration",
                List.of("node_name", "setting_name", "setting_value", "setting_unit", "is_active", "requires_restart"));
        v.put(
                "v_performance_summary",
                List.of(
                        "node_name",
                        "metric_category",
                        "metric_name",
                        "avg_value",
                        "min_value",
                        "max_value",
                        "metric_unit",
                        "sample_count"));
        return v;
    }

    private static List<String> withCommon(String... columns) {
        List<String> all = new java.util.ArrayList<>(COMMON);
        all.addAll(List.of(columns));
        return List.copyOf(all);
    }
}
