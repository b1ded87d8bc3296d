package io.strata.sink.state;

import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Applies a {@link PostgresState} (the complete state of one PostgreSQL instance) to
 * {@code postgresql_configuration}, {@code replication_status} and {@code database_schemas}. A changed setting
 * value keeps the old row as inactive history and inserts a new active one; settings, replication links and schema
 * objects the state no longer lists are marked inactive, never deleted.
 *
 * <p>Replication links are those seen on this node as a primary ({@code pg_stat_replication}); the standby is
 * resolved to a node by its {@code application_name} (node key or node name, the convention), else by its client
 * address among the fleet's interfaces, else left NULL.
 */
public final class PostgresStateWriter {
    private static final Set<String> REPLICATION_STATE =
            Set.of("startup", "catchup", "streaming", "backup", "stopping");
    private static final Set<String> SYNC_STATE = Set.of("async", "potential", "sync", "quorum");

    /** Creates a writer; it holds no state and may be shared. */
    public PostgresStateWriter() {}

    /**
     * Applies the state in the caller's transaction. A node not seen yet is registered by its key: topics are consumed
     * in no particular order, so a probe's PostgreSQL state may arrive before its inventory, which names the node.
     */
    public ApplyResult apply(Handle handle, PostgresState state) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(state, "state");
        long nodeId = Nodes.ensure(handle, state.getNodeId(), null);
        Instant seen = state.getCollectedAt();
        NodeInventoryWriter.Counts counts = new NodeInventoryWriter.Counts();
        settings(handle, nodeId, state, seen, counts);
        replication(handle, nodeId, state, seen, counts);
        schemaObjects(handle, nodeId, state, seen, counts);
        return new ApplyResult(nodeId, ApplyResult.Outcome.APPLIED, counts.upserted, counts.deactivated);
    }

    private static void settings(
            Handle handle, long nodeId, PostgresState state, Instant seen, NodeInventoryWriter.Counts counts) {
        Map<String, PostgresSetting> byName = new LinkedHashMap<>();
        state.getSettings().forEach(s -> byName.put(s.getSettingName(), s));
        if (!byName.isEmpty()) {
            PreparedBatch retire = handle.prepareBatch("UPDATE postgresql_configuration SET is_active = FALSE, "
                    + "updated_at = now() WHERE node_id = :node AND setting_name = :name AND is_active "
                    + "AND setting_value IS DISTINCT FROM CAST(:value AS text)");
            PreparedBatch upsert = handle.prepareBatch("INSERT INTO postgresql_configuration (node_id, instance, "
                    + "setting_name, setting_value, setting_unit, setting_category, setting_short_desc, context, "
                    + "source, is_active, requires_restart, pending_value, last_seen_at) VALUES (:node, :instance, "
                    + ":name, :value, :unit, :category, :desc, :context, :source, TRUE, :restart, :pending, :seen) "
                    + "ON CONFLICT (node_id, setting_name) WHERE is_active DO UPDATE SET "
                    + "instance = EXCLUDED.instance, setting_unit = EXCLUDED.setting_unit, "
                    + "setting_category = EXCLUDED.setting_category, "
                    + "setting_short_desc = EXCLUDED.setting_short_desc, context = EXCLUDED.context, "
                    + "source = EXCLUDED.source, requires_restart = EXCLUDED.requires_restart, "
                    + "pending_value = EXCLUDED.pending_value, last_seen_at = EXCLUDED.last_seen_at, "
                    + "updated_at = CASE WHEN (postgresql_configuration.setting_unit, "
                    + "postgresql_configuration.context, postgresql_configuration.source, "
                    + "postgresql_configuration.requires_restart, postgresql_configuration.pending_value) "
                    + "IS DISTINCT FROM (EXCLUDED.setting_unit, EXCLUDED.context, EXCLUDED.source, "
                    + "EXCLUDED.requires_restart, EXCLUDED.pending_value) THEN now() "
                    + "ELSE postgresql_configuration.updated_at END");
            for (PostgresSetting s : byName.values()) {
                retire.bind("node", nodeId)
                        .bind("name", s.getSettingName())
                        .bind("value", s.getSettingValue())
                        .add();
                upsert.bind("node", nodeId)
                        .bind("instance", state.getInstance())
                        .bind("name", s.getSettingName())
                        .bind("value", s.getSettingValue())
                        .bind("unit", s.getSettingUnit())
                        .bind("category", s.getSettingCategory())
                        .bind("desc", s.getSettingShortDesc())
                        .bind("context", Values.identifier(s.getContext()))
                        .bind("source", s.getSource())
                        .bind("restart", s.getRequiresRestart())
                        // A pending value only means something while a restart is pending.
                        .bind("pending", s.getRequiresRestart() ? s.getPendingValue() : null)
                        .bind("seen", seen)
                        .add();
            }
            counts.deactivated += NodeInventoryWriter.sum(retire.execute());
            counts.upserted += NodeInventoryWriter.sum(upsert.execute());
        }
        counts.deactivated += NodeInventoryWriter.deactivate(
                handle,
                "UPDATE postgresql_configuration SET is_active = FALSE, updated_at = now() "
                        + "WHERE node_id = :node AND is_active AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    private static void replication(
            Handle handle, long nodeId, PostgresState state, Instant seen, NodeInventoryWriter.Counts counts) {
        Map<String, ReplicationLink> byKey = new LinkedHashMap<>();
        for (ReplicationLink link : state.getReplicationLinks()) {
            String key = linkKey(link);
            byKey.put(key, link);
        }
        if (!byKey.isEmpty()) {
            PreparedBatch upsert = handle.prepareBatch("INSERT INTO replication_status (primary_node_id, "
                    + "replica_node_id, link_key, instance, slot_name, application_name, client_address, "
                    + "client_hostname, state, sync_state, sent_lsn, replay_lsn, replay_lag_ms, replay_lag_bytes, "
                    + "write_lag_ms, write_lag_bytes, flush_lag_ms, flush_lag_bytes, reply_at, is_active, last_check, "
                    + "last_seen_at) VALUES (:node, COALESCE("
                    + "(SELECT n.id FROM system_nodes n WHERE n.id <> :node AND (n.node_key = :app OR n.node_name = :app "
                    + "OR n.node_name = :host) ORDER BY (n.node_key = :app) DESC, n.id LIMIT 1), "
                    + "(SELECT i.node_id FROM network_interfaces i WHERE i.node_id <> :node AND i.is_active "
                    + "AND (i.ipv4_address = strata_try_inet(:addr) OR i.ipv6_address = strata_try_inet(:addr)) "
                    + "ORDER BY i.node_id LIMIT 1)), "
                    + ":key, :instance, :slot, :app, strata_try_inet(:addr), :host, :state, :sync, :sentLsn, "
                    + ":replayLsn, :replayMs, :replayBytes, :writeMs, :writeBytes, :flushMs, :flushBytes, :replyAt, "
                    + "TRUE, :seen, :seen) "
                    + "ON CONFLICT (primary_node_id, link_key) DO UPDATE SET "
                    + "replica_node_id = COALESCE(EXCLUDED.replica_node_id, replication_status.replica_node_id), "
                    + "instance = EXCLUDED.instance, slot_name = EXCLUDED.slot_name, "
                    + "application_name = EXCLUDED.application_name, client_address = EXCLUDED.client_address, "
                    + "client_hostname = EXCLUDED.client_hostname, state = EXCLUDED.state, "
                    + "sync_state = EXCLUDED.sync_state, sent_lsn = EXCLUDED.sent_lsn, "
                    + "replay_lsn = EXCLUDED.replay_lsn, replay_lag_ms = EXCLUDED.replay_lag_ms, "
                    + "replay_lag_bytes = EXCLUDED.replay_lag_bytes, write_lag_ms = EXCLUDED.write_lag_ms, "
                    + "write_lag_bytes = EXCLUDED.write_lag_bytes, flush_lag_ms = EXCLUDED.flush_lag_ms, "
                    + "flush_lag_bytes = EXCLUDED.flush_lag_bytes, reply_at = EXCLUDED.reply_at, is_active = TRUE, "
                    + "last_check = EXCLUDED.last_check, last_seen_at = EXCLUDED.last_seen_at, updated_at = now()");
            for (Map.Entry<String, ReplicationLink> e : byKey.entrySet()) {
                ReplicationLink l = e.getValue();
                upsert.bind("node", nodeId)
                        .bind("key", e.getKey())
                        .bind("instance", state.getInstance())
                        .bind("slot", Values.blankToNull(l.getSlotName()))
                        .bind("app", Values.blankToNull(l.getApplicationName()))
                        .bind("addr", l.getClientAddress())
                        .bind("host", Values.blankToNull(l.getClientHostname()))
                        .bind("state", Values.oneOf(l.getState(), REPLICATION_STATE))
                        .bind("sync", Values.oneOf(l.getSyncState(), SYNC_STATE))
                        .bind("sentLsn", l.getSentLsn())
                        .bind("replayLsn", l.getReplayLsn())
                        .bind("replayMs", l.getReplayLagMs())
                        .bind("replayBytes", l.getReplayLagBytes())
                        .bind("writeMs", l.getWriteLagMs())
                        .bind("writeBytes", l.getWriteLagBytes())
                        .bind("flushMs", l.getFlushLagMs())
                        .bind("flushBytes", l.getFlushLagBytes())
                        .bind("replyAt", l.getReplyAt())
                        .bind("seen", seen)
                        .add();
            }
            counts.upserted += NodeInventoryWriter.sum(upsert.execute());
        }
        counts.deactivated += NodeInventoryWriter.deactivate(
                handle,
                "UPDATE replication_status SET is_active = FALSE, updated_at = now() "
                        + "WHERE primary_node_id = :node AND is_active "
                        + "AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    /** A link's identity on its primary: application_name, else slot name, else client address. */
    static String linkKey(ReplicationLink link) {
        String app = Values.blankToNull(link.getApplicationName());
        if (app != null) {
            return app;
        }
        String slot = Values.blankToNull(link.getSlotName());
        if (slot != null) {
            return "slot:" + slot;
        }
        String address = Values.blankToNull(link.getClientAddress());
        return address != null ? "addr:" + address : "unknown";
    }

    private static void schemaObjects(
            Handle handle, long nodeId, PostgresState state, Instant seen, NodeInventoryWriter.Counts counts) {
        if (!state.getSchemaObjects().isEmpty()) {
            PreparedBatch upsert = handle.prepareBatch("INSERT INTO database_schemas (node_id, instance, "
                    + "database_name, schema_name, table_name, column_name, data_type, is_nullable, column_default, "
                    + "is_primary_key, foreign_key_table, foreign_key_column, index_name, index_type, "
                    + "index_definition, table_size_bytes, index_size_bytes, is_active, last_seen_at) VALUES (:node, "
                    + ":instance, :db, :schema, :table, :column, :type, :nullable, :default, :pk, :fkTable, "
                    + ":fkColumn, :index, :indexType, :indexDef, :tableSize, :indexSize, TRUE, :seen) "
                    + "ON CONFLICT ON CONSTRAINT database_schemas_object_uq DO UPDATE SET "
                    + "instance = EXCLUDED.instance, data_type = EXCLUDED.data_type, "
                    + "is_nullable = EXCLUDED.is_nullable, column_default = EXCLUDED.column_default, "
                    + "is_primary_key = EXCLUDED.is_primary_key, foreign_key_table = EXCLUDED.foreign_key_table, "
                    + "foreign_key_column = EXCLUDED.foreign_key_column, index_type = EXCLUDED.index_type, "
                    + "index_definition = EXCLUDED.index_definition, table_size_bytes = EXCLUDED.table_size_bytes, "
                    + "index_size_bytes = EXCLUDED.index_size_bytes, is_active = TRUE, "
                    + "last_seen_at = EXCLUDED.last_seen_at, "
                    // Sizes move all the time: only a change of definition counts as an update.
                    + "updated_at = CASE WHEN (database_schemas.data_type, database_schemas.is_nullable, "
                    + "database_schemas.column_default, database_schemas.is_primary_key, "
                    + "database_schemas.foreign_key_table, database_schemas.foreign_key_column, "
                    + "database_schemas.index_type, database_schemas.index_definition, database_schemas.is_active) "
                    + "IS DISTINCT FROM (EXCLUDED.data_type, EXCLUDED.is_nullable, EXCLUDED.column_default, "
                    + "EXCLUDED.is_primary_key, EXCLUDED.foreign_key_table, EXCLUDED.foreign_key_column, "
                    + "EXCLUDED.index_type, EXCLUDED.index_definition, TRUE) THEN now() "
                    + "ELSE database_schemas.updated_at END");
            for (DatabaseSchemaEntry o : state.getSchemaObjects()) {
                upsert.bind("node", nodeId)
                        .bind("instance", state.getInstance())
                        .bind("db", o.getDatabaseName())
                        .bind("schema", o.getSchemaName())
                        .bind("table", o.getTableName())
                        .bind("column", o.getColumnName())
                        .bind("type", o.getDataType())
                        .bind("nullable", o.getIsNullable())
                        .bind("default", o.getColumnDefault())
                        .bind("pk", o.getIsPrimaryKey())
                        .bind("fkTable", o.getForeignKeyTable())
                        .bind("fkColumn", o.getForeignKeyColumn())
                        .bind("index", o.getIndexName())
                        .bind("indexType", Values.identifier(o.getIndexType()))
                        .bind("indexDef", o.getIndexDefinition())
                        .bind("tableSize", o.getTableSizeBytes())
                        .bind("indexSize", o.getIndexSizeBytes())
                        .bind("seen", seen)
                        .add();
            }
            counts.upserted += NodeInventoryWriter.sum(upsert.execute());
        }
        counts.deactivated += NodeInventoryWriter.deactivate(
                handle,
                "UPDATE database_schemas SET is_active = FALSE, updated_at = now() WHERE node_id = :node "
                        + "AND is_active AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }
}
