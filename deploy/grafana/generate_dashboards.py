#!/usr/bin/env python3
"""Writes the Strata Grafana dashboards (deploy/grafana/dashboards/*.json) from the definitions below.

The JSON files are what Grafana provisions and what DashboardQueriesIT (sink module) runs against the real schema;
edit here and re-run `python3 deploy/grafana/generate_dashboards.py`, or edit the JSON in Grafana and export it.

Tier choice in the node detail dashboard: the time range picks the table. Up to RAW_MAX the raw samples
(metric_samples, bucketed by $__interval), up to HOURLY_MAX the hourly rollups, beyond that the daily rollups.
Each query is a UNION ALL of the three, each branch gated on the range width, so exactly one branch returns rows.
"""
import json
import os

PG = {"type": "grafana-postgresql-datasource", "uid": "strata-postgresql"}
PROM = {"type": "prometheus", "uid": "strata-prometheus"}
RAW_MAX = "2 days"
HOURLY_MAX = "62 days"
HERE = os.path.dirname(os.path.abspath(__file__))

SPAN = "span AS (SELECT $__timeTo()::timestamptz - $__timeFrom()::timestamptz AS width)"
BUCKET = "date_bin(make_interval(secs => greatest($__interval_ms, 1000) / 1000.0), {col}, TIMESTAMPTZ '2000-01-01')"
RAW_GATE = f"(SELECT width FROM span) <= INTERVAL '{RAW_MAX}'"
HOURLY_GATE = (f"(SELECT width FROM span) > INTERVAL '{RAW_MAX}' AND (SELECT width FROM span) <= INTERVAL '{HOURLY_MAX}'")
DAILY_GATE = f"(SELECT width FROM span) > INTERVAL '{HOURLY_MAX}'"


def series_cte(category, names, metric_expr):
    in_list = ", ".join(f"'{n}'" for n in names)
    return (f"series AS (\n  SELECT s.id, {metric_expr} AS metric\n  FROM metric_series s\n"
            f"  JOIN system_nodes n ON n.id = s.node_id\n"
            f"  WHERE n.node_name = ${{node:sqlstring}} AND s.metric_category = '{category}'\n"
            f"    AND s.metric_name IN ({in_list})\n)")


def gauge_sql(category, names, metric_expr="s.metric_name"):
    """A gauge over time: raw averages per interval, or the rollups' averages (sum / count)."""
    return (f"WITH {series_cte(category, names, metric_expr)},\n{SPAN}\n"
            f"SELECT {BUCKET.format(col='m.measured_at')} AS time, s.metric, avg(m.value) AS value\n"
            f"FROM metric_samples m JOIN series s ON s.id = m.series_id\n"
            f"WHERE $__timeFilter(m.measured_at) AND {RAW_GATE}\nGROUP BY 1, 2\n"
            f"UNION ALL\n"
            f"SELECT r.bucket_start, s.metric, sum(r.sum) / NULLIF(sum(r.sample_count), 0)\n"
            f"FROM rollups_hourly r JOIN series s ON s.id = r.series_id\n"
            f"WHERE $__timeFilter(r.bucket_start) AND {HOURLY_GATE}\nGROUP BY 1, 2\n"
            f"UNION ALL\n"
            f"SELECT r.bucket_start, s.metric, sum(r.sum) / NULLIF(sum(r.sample_count), 0)\n"
            f"FROM rollups_daily r JOIN series s ON s.id = r.series_id\n"
            f"WHERE $__timeFilter(r.bucket_start) AND {DAILY_GATE}\nGROUP BY 1, 2\n"
            f"ORDER BY 1, 2")


def rate_sql(category, names, metric_expr):
    """A counter as a rate per second: raw deltas (a reset counts as no increase), or the rollups' increase."""
    return (f"WITH {series_cte(category, names, metric_expr)},\n{SPAN},\n"
            f"raw AS (\n  SELECT m.series_id, m.measured_at,\n"
            f"         m.value - lag(m.value) OVER w AS delta,\n"
            f"         extract(epoch FROM m.measured_at - lag(m.measured_at) OVER w) AS secs\n"
            f"  FROM metric_samples m\n"
            f"  WHERE m.series_id IN (SELECT id FROM series) AND $__timeFilter(m.measured_at) AND {RAW_GATE}\n"
            f"  WINDOW w AS (PARTITION BY m.series_id ORDER BY m.measured_at)\n)\n"
            f"SELECT {BUCKET.format(col='raw.measured_at')} AS time, s.metric,\n"
            f"       avg(CASE WHEN raw.delta >= 0 AND raw.secs > 0 THEN raw.delta / raw.secs END) AS value\n"
            f"FROM raw JOIN series s ON s.id = raw.series_id\nGROUP BY 1, 2\n"
            f"UNION ALL\n"
            f"SELECT r.bucket_start, s.metric, sum(r.increase) / extract(epoch FROM INTERVAL '1 hour')\n"
            f"FROM rollups_hourly r JOIN series s ON s.id = r.series_id\n"
            f"WHERE $__timeFilter(r.bucket_start) AND {HOURLY_GATE}\nGROUP BY 1, 2\n"
            f"UNION ALL\n"
            f"SELECT r.bucket_start, s.metric, sum(r.increase) / extract(epoch FROM INTERVAL '1 day')\n"
            f"FROM rollups_daily r JOIN series s ON s.id = r.series_id\n"
            f"WHERE $__timeFilter(r.bucket_start) AND {DAILY_GATE}\nGROUP BY 1, 2\n"
            f"ORDER BY 1, 2")


class Board:
    def __init__(self, uid, title, description, tags, time_from="now-6h"):
        self.uid, self.title, self.description, self.tags, self.time_from = uid, title, description, tags, time_from
        self.panels, self.variables, self.y, self.x, self.row_h = [], [], 0, 0, 0

    def panel(self, kind, title, targets, w=12, h=8, description=None, unit=None, options=None, field_config=None):
        if self.x + w > 24:
            self.x, self.y = 0, self.y + self.row_h
            self.row_h = 0
        datasource = targets[0]["datasource"]
        defaults = {"unit": unit} if unit else {}
        if field_config:
            defaults.update(field_config)
        p = {"id": len(self.panels) + 1, "type": kind, "title": title, "datasource": datasource,
             "gridPos": {"x": self.x, "y": self.y, "w": w, "h": h},
             "fieldConfig": {"defaults": defaults, "overrides": []}, "options": options or {},
             "targets": [dict(t, refId=chr(ord("A") + i)) for i, t in enumerate(targets)]}
        if description:
            p["description"] = description
        self.panels.append(p)
        self.x += w
        self.row_h = max(self.row_h, h)

    def json(self):
        return {"uid": self.uid, "title": self.title, "description": self.description, "tags": self.tags,
                "editable": False, "graphTooltip": 1, "schemaVersion": 39, "version": 1, "refresh": "1m",
                "time": {"from": self.time_from, "to": "now"}, "timepicker": {}, "timezone": "utc",
                "templating": {"list": self.variables}, "annotations": {"list": []}, "links": [
                    {"type": "dashboards", "tags": ["strata"], "asDropdown": True, "title": "Strata"}],
                "panels": self.panels}


def sql(query, fmt="table"):
    return {"datasource": PG, "editorMode": "code", "format": fmt, "rawQuery": True, "rawSql": query}


def prom(expr, legend):
    return {"datasource": PROM, "editorMode": "code", "expr": expr, "legendFormat": legend, "range": True}


def fleet_overview():
    b = Board("strata-fleet-overview", "Strata fleet overview",
              "Every node, its services and its replication links (v_system_overview, v_service_status, "
              "v_replication_health), and the latest changes.", ["strata"])
    b.panel("stat", "Nodes", [sql("SELECT count(*) AS nodes FROM v_system_overview")], w=4, h=4)
    b.panel("stat", "Active nodes", [sql("SELECT count(*) AS active FROM v_system_overview WHERE status = 'active'")],
            w=4, h=4)
    b.panel("stat", "Services not running", [sql(
        "SELECT count(*) AS not_running FROM v_service_status WHERE status <> 'running'")], w=4, h=4,
        field_config={"thresholds": {"mode": "absolute", "steps": [
            {"color": "green", "value": None}, {"color": "red", "value": 1}]}})
    b.panel("stat", "Replication links", [sql("SELECT count(*) AS links FROM v_replication_health")], w=4, h=4)
    b.panel("stat", "Worst replay lag", [sql(
        "SELECT max(replay_lag_bytes) AS replay_lag_bytes FROM v_replication_health")], w=4, h=4, unit="bytes")
    b.panel("stat", "Changes in range", [sql(
        "SELECT count(*) AS changes FROM change_log WHERE $__timeFilter(created_at)")], w=4, h=4)
    b.panel("table", "Nodes", [sql(
        "SELECT node_name, node_role, status, host(primary_ip) AS primary_ip, cpu_model, cpu_cores_total,\n"
        "       gpu_cores, ram_gb, storage_internal_tb, os_version, running_services, installed_software,\n"
        "       last_verified\nFROM v_system_overview\nORDER BY node_name")], w=24, h=9,
        description="v_system_overview: one row per node; primary IP from the primary interface.")
    b.panel("table", "Last sample per node", [sql(
        "SELECT n.node_name, max(m.measured_at) AS last_sample,\n"
        "       round(extract(epoch FROM now() - max(m.measured_at))) AS age_seconds\n"
        "FROM system_nodes n\nLEFT JOIN metric_series s ON s.node_id = n.id\n"
        "LEFT JOIN metric_samples m ON m.series_id = s.id AND m.measured_at > now() - INTERVAL '1 hour'\n"
        "GROUP BY n.node_name\nORDER BY age_seconds DESC NULLS FIRST")], w=8, h=9, unit="s",
        description="Raw samples of the last hour; empty age = nothing received for an hour.")
    b.panel("table", "Services", [sql(
        "SELECT node_name, service_name, service_type, status, port, process_id, started_at, uptime_hours\n"
        "FROM v_service_status\nORDER BY status = 'running', node_name, service_name")], w=16, h=9,
        description="v_service_status; services that are not running first.")
    b.panel("table", "Replication health", [sql(
        "SELECT primary_node, replica_node, slot_name, state, sync_state, replay_lag_ms, replay_lag_bytes,\n"
        "       last_check\nFROM v_replication_health\nORDER BY replay_lag_bytes DESC NULLS LAST, primary_node")],
        w=12, h=8, description="v_replication_health: active links only.")
    b.panel("table", "Latest changes", [sql(
        "SELECT c.created_at AS time, COALESCE(n.node_name, c.node_key) AS node, c.change_type,\n"
        "       c.table_affected, c.change_description\nFROM change_log c\n"
        "LEFT JOIN system_nodes n ON n.id = c.node_id\nWHERE $__timeFilter(c.created_at)\n"
        "ORDER BY c.created_at DESC\nLIMIT 200")], w=12, h=8)
    b.panel("timeseries", "Changes by type", [sql(
        f"SELECT {BUCKET.format(col='created_at')} AS time, change_type AS metric, count(*) AS value\n"
        "FROM change_log\nWHERE $__timeFilter(created_at)\nGROUP BY 1, 2\nORDER BY 1, 2", "time_series")],
        w=24, h=7, options={"legend": {"displayMode": "list", "placement": "right"}},
        field_config={"custom": {"drawStyle": "bars", "stacking": {"mode": "normal"}}})
    return b


def node_detail():
    b = Board("strata-node-detail", "Strata node detail",
              f"One node over time. Up to {RAW_MAX} the raw samples, up to {HOURLY_MAX} the hourly rollups, "
              "beyond that the daily rollups.", ["strata"])
    b.variables.append({"name": "node", "label": "Node", "type": "query", "datasource": PG,
                        "query": "SELECT node_name FROM system_nodes ORDER BY node_name",
                        "definition": "SELECT node_name FROM system_nodes ORDER BY node_name",
                        "refresh": 2, "sort": 1, "multi": False, "includeAll": False, "current": {}, "options": []})
    b.panel("stat", "Data source for this range", [sql(
        f"WITH {SPAN}\nSELECT CASE WHEN width <= INTERVAL '{RAW_MAX}' THEN 'raw samples'\n"
        f"            WHEN width <= INTERVAL '{HOURLY_MAX}' THEN 'hourly rollups'\n"
        "            ELSE 'daily rollups' END AS tier\nFROM span")], w=6, h=4,
        options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "/.*/", "values": False},
                 "textMode": "value", "colorMode": "none"})
    b.panel("table", "Node", [sql(
        "SELECT node_name, node_role, status, cpu_model, cpu_cores_total, ram_gb, storage_internal_tb, os_name,\n"
        "       os_version, kernel_version, last_verified\nFROM system_nodes\n"
        "WHERE node_name = ${node:sqlstring}")], w=18, h=4)
    ts = {"legend": {"displayMode": "table", "placement": "right", "calcs": ["mean", "max"]},
          "tooltip": {"mode": "multi"}}
    b.panel("timeseries", "CPU utilization", [sql(gauge_sql("cpu", ["utilization"]), "time_series")],
            unit="percent", options=ts)
    b.panel("timeseries", "Load average", [sql(gauge_sql("cpu", ["load_1m", "load_5m", "load_15m"]),
                                               "time_series")], options=ts)
    b.panel("timeseries", "Memory and swap used", [sql(gauge_sql("memory", ["used_percent", "swap_used_percent"]),
                                                       "time_series")], unit="percent", options=ts)
    b.panel("timeseries", "File systems used", [sql(gauge_sql(
        "filesystem", ["used_percent"], "COALESCE(s.labels ->> 'mount', s.metric_name)"), "time_series")],
        unit="percent", options=ts)
    b.panel("timeseries", "Disk throughput", [sql(rate_sql(
        "disk", ["read_bytes", "write_bytes"], "COALESCE(s.labels ->> 'device', '') || ' ' || s.metric_name"),
        "time_series")], unit="Bps", options=ts)
    b.panel("timeseries", "Network throughput", [sql(rate_sql(
        "network", ["rx_bytes", "tx_bytes"], "COALESCE(s.labels ->> 'interface', '') || ' ' || s.metric_name"),
        "time_series")], unit="Bps", options=ts)
    b.panel("table", "Series of this node", [sql(
        "SELECT s.metric_category, s.metric_name, s.labels::text AS labels, s.metric_unit, s.kind\n"
        "FROM metric_series s JOIN system_nodes n ON n.id = s.node_id\n"
        "WHERE n.node_name = ${node:sqlstring}\nORDER BY 1, 2, 3")], w=24, h=8)
    return b


def rollup_completeness():
    b = Board("strata-rollup-completeness", "Strata rollup completeness",
              "Samples in each rollup bucket against the samples the probe's interval promises "
              "(sample_count vs samples_expected); revisions are late corrections.", ["strata"], "now-7d")
    for tier in ("hourly", "daily"):
        b.panel("timeseries", f"{tier.capitalize()} completeness over time", [sql(
            "SELECT r.bucket_start AS time,\n"
            "       100.0 * sum(r.sample_count) / NULLIF(sum(r.samples_expected), 0) AS \"completeness %\"\n"
            f"FROM rollups_{tier} r\nWHERE $__timeFilter(r.bucket_start) AND r.samples_expected IS NOT NULL\n"
            "GROUP BY 1\nORDER BY 1", "time_series")], unit="percent",
            field_config={"min": 0, "max": 100})
    for tier in ("hourly", "daily"):
        b.panel("table", f"{tier.capitalize()} completeness by node", [sql(
            "SELECT n.node_name, count(*) AS buckets, sum(r.sample_count) AS samples,\n"
            "       sum(r.samples_expected) AS expected,\n"
            "       round(100.0 * sum(r.sample_count) / NULLIF(sum(r.samples_expected), 0), 2) AS completeness_pct,\n"
            "       count(*) FILTER (WHERE r.sample_count < r.samples_expected) AS incomplete_buckets,\n"
            "       count(*) FILTER (WHERE r.revision > 0) AS corrected_buckets, max(r.bucket_start) AS latest_bucket\n"
            f"FROM rollups_{tier} r\nJOIN metric_series s ON s.id = r.series_id\n"
            "JOIN system_nodes n ON n.id = s.node_id\nWHERE $__timeFilter(r.bucket_start)\n"
            "GROUP BY n.node_name\nORDER BY completeness_pct NULLS FIRST, n.node_name")], h=9)
    b.panel("table", "Incomplete hourly buckets", [sql(
        "SELECT r.bucket_start, n.node_name, s.metric_category, s.metric_name, s.labels::text AS labels,\n"
        "       r.sample_count, r.samples_expected, r.revision, r.updated_at\nFROM rollups_hourly r\n"
        "JOIN metric_series s ON s.id = r.series_id\nJOIN system_nodes n ON n.id = s.node_id\n"
        "WHERE $__timeFilter(r.bucket_start) AND r.sample_count < r.samples_expected\n"
        "ORDER BY r.bucket_start DESC, n.node_name, s.metric_category, s.metric_name\nLIMIT 500")], w=24, h=9)
    b.panel("timeseries", "Corrected rollups (revision > 0)", [sql(
        "SELECT bucket_start AS time, 'hourly' AS metric, count(*) AS value\nFROM rollups_hourly\n"
        "WHERE $__timeFilter(bucket_start) AND revision > 0\nGROUP BY 1, 2\nUNION ALL\n"
        "SELECT bucket_start, 'daily', count(*)\nFROM rollups_daily\n"
        "WHERE $__timeFilter(bucket_start) AND revision > 0\nGROUP BY 1, 2\nORDER BY 1, 2", "time_series")],
        w=24, h=7, field_config={"custom": {"drawStyle": "bars"}})
    return b


def pipeline_health():
    b = Board("strata-pipeline-health", "Strata pipeline health",
              "Dead letters and consumer lag from the apps' /metrics (Prometheus); what arrived, how fresh, and "
              "the probes' spools from PostgreSQL (the probes report their own strata.probe metrics).",
              ["strata"], "now-6h")
    ts = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
    b.panel("timeseries", "Dead letters per second", [
        prom("sum by (reason) (rate(strata_sink_deadletters_total[5m]))", "sink {{reason}}"),
        prom("sum(rate(kafka_strata_rollup_dead_letters_total[5m]))", "streams")], unit="reqps", options=ts,
        description="strata-sink by reason; strata-streams (undecodable or invalid raw batches).")
    b.panel("timeseries", "Consumer lag (records)", [
        prom("sum by (job, topic) (kafka_consumer_fetch_manager_records_lag)", "{{job}} {{topic}}"),
        prom("max by (job) (kafka_consumer_fetch_manager_records_lag_max >= 0)", "{{job}} max")], options=ts,
        description="The Kafka consumers' own lag metrics: per topic where the client reports partitions, else the "
                    "consumer's records-lag-max (NaN before the first fetch is left out).")
    b.panel("timeseries", "Samples written per second (sink)", [
        prom("sum(rate(strata_sink_samples_total[5m]))", "samples"),
        prom("sum(rate(strata_sink_rollups_total[5m]))", "rollups")], unit="reqps", options=ts)
    b.panel("timeseries", "Probe drops (this host, live)", [
        prom("increase(strata_probe_dropped_samples_total[1h])", "dropped samples / h"),
        prom("rate(strata_probe_send_errors_total[5m])", "send errors / s")], options=ts,
        description="Samples forced out of a full spool are counted, never silently lost.")
    b.panel("stat", "Apps up", [prom("up", "{{job}}")], options={
        "reduceOptions": {"calcs": ["lastNotNull"], "values": False}, "colorMode": "background"},
        field_config={"mappings": [{"type": "value", "options": {
            "0": {"text": "down", "color": "red"}, "1": {"text": "up", "color": "green"}}}]})
    b.panel("timeseries", "Samples stored per interval", [sql(
        f"SELECT {BUCKET.format(col='m.measured_at')} AS time, count(*) AS samples\nFROM metric_samples m\n"
        "WHERE $__timeFilter(m.measured_at)\nGROUP BY 1\nORDER BY 1", "time_series")], options=ts,
        description="By measurement time: a gap is a period whose samples have not arrived (yet).")
    b.panel("timeseries", "Probe spool size", [sql(
        f"SELECT {BUCKET.format(col='m.measured_at')} AS time, n.node_name AS metric, max(m.value) AS value\n"
        "FROM metric_samples m\nJOIN metric_series s ON s.id = m.series_id\nJOIN system_nodes n ON n.id = s.node_id\n"
        "WHERE s.metric_category = 'strata.probe' AND s.metric_name = 'spool_bytes'\n"
        "  AND $__timeFilter(m.measured_at)\nGROUP BY 1, 2\nORDER BY 1, 2", "time_series"),
        prom("strata_probe_spool_bytes", "{{job}} (this host, live)")], unit="bytes", options=ts,
        description="A growing spool means the probe cannot reach the broker (it replays in order once back).")
    b.panel("table", "Probes: spool and drops (latest report)", [sql(
        "SELECT n.node_name,\n"
        "       max(m.value) FILTER (WHERE s.metric_name = 'spool_bytes') AS spool_bytes,\n"
        "       max(m.value) FILTER (WHERE s.metric_name = 'spool_records') AS spool_records,\n"
        "       max(m.value) FILTER (WHERE s.metric_name = 'dropped_samples') AS dropped_samples,\n"
        "       max(m.value) FILTER (WHERE s.metric_name = 'send_errors') AS send_errors,\n"
        "       max(m.measured_at) AS reported_at\n"
        "FROM system_nodes n\nJOIN metric_series s ON s.node_id = n.id AND s.metric_category = 'strata.probe'\n"
        "JOIN metric_samples m ON m.series_id = s.id AND m.measured_at > now() - INTERVAL '15 minutes'\n"
        "GROUP BY n.node_name\nORDER BY dropped_samples DESC NULLS LAST, n.node_name")], h=8,
        description="Maxima over the last 15 minutes of the probes' own counters (dropped = forced out of a full "
                    "spool, counted, never silent).")
    b.panel("table", "Rollup output", [sql(
        "SELECT 'hourly' AS tier, max(bucket_start) AS latest_bucket, max(updated_at) AS last_written,\n"
        "       count(*) FILTER (WHERE $__timeFilter(updated_at)) AS written_in_range\n"
        "FROM rollups_hourly WHERE bucket_start > now() - INTERVAL '3 days'\nUNION ALL\n"
        "SELECT 'daily', max(bucket_start), max(updated_at), count(*) FILTER (WHERE $__timeFilter(updated_at))\n"
        "FROM rollups_daily WHERE bucket_start > now() - INTERVAL '3 days'")], h=8,
        description="The latest bucket written per tier: it should trail the clock by one bucket plus grace.")
    return b


def main():
    out = os.path.join(HERE, "dashboards")
    os.makedirs(out, exist_ok=True)
    for name, board in [("fleet-overview", fleet_overview()), ("node-detail", node_detail()),
                        ("rollup-completeness", rollup_completeness()), ("pipeline-health", pipeline_health())]:
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(board.json(), f, indent=2)
            f.write("\n")
        print("wrote", os.path.join("deploy/grafana/dashboards", name + ".json"))


if __name__ == "__main__":
    main()
