package io.strata.sink.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes, verifies and prunes snapshots of the fleet's state.
 *
 * <p>The state is every node with its active interfaces, packages, services, settings, schema objects and watched
 * files, plus the active replication links, as JSON with keys in sorted order, no insignificant white space, nodes and
 * rows in the order of their natural keys. Surrogate ids, bookkeeping timestamps and measurements that move all the
 * time (uptime, lags, LSNs, sizes) are left out, so two snapshots of an unchanged fleet have the same hash. The hash
 * is the SHA-256 of that text's UTF-8 bytes; {@link #verify(Handle, String)} recomputes it from what is stored.
 */
public final class StateSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(StateSnapshots.class);

    /** Columns that are bookkeeping or measurements, not state. */
    private static final Set<String> NOT_STATE = Set.of(
            "id",
            "node_id",
            "primary_node_id",
            "replica_node_id",
            "created_at",
            "updated_at",
            "last_seen_at",
            "last_verified",
            "last_check",
            "inventory_collected_at",
            "uptime_seconds",
            "reply_at",
            "sent_lsn",
            "replay_lsn",
            "replay_lag_ms",
            "replay_lag_bytes",
            "write_lag_ms",
            "write_lag_bytes",
            "flush_lag_ms",
            "flush_lag_bytes",
            "table_size_bytes",
            "index_size_bytes");

    /** The per-node child tables: table, what makes a row current, its natural order. */
    private static final List<ChildTable> CHILDREN = List.of(
            new ChildTable("network_interfaces", "t.is_active", "t.interface_name"),
            new ChildTable("software_versions", "t.is_active", "t.software_name"),
            new ChildTable("services", "t.status = 'running'", "t.service_name, t.port"),
            new ChildTable("postgresql_configuration", "t.is_active", "t.instance, t.setting_name"),
            new ChildTable(
                    "database_schemas",
                    "t.is_active",
                    "t.instance, t.database_name, t.schema_name, t.table_name, t.column_name NULLS FIRST,"
                            + " t.index_name NULLS FIRST"),
            new ChildTable("documentation_files", "t.is_latest", "t.file_path"));

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private StateSnapshots() {}

    /**
     * Takes a snapshot of the current state in one transaction.
     *
     * @throws IllegalArgumentException if a snapshot of that name exists
     */
    public static Snapshot take(Jdbi jdbi, String name, SnapshotType type, String description, String createdBy) {
        Objects.requireNonNull(jdbi, "jdbi");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        return jdbi.inTransaction(handle -> {
            if (handle.createQuery("SELECT 1 FROM system_state_snapshots WHERE snapshot_name = :name")
                    .bind("name", name)
                    .mapTo(Integer.class)
                    .findOne()
                    .isPresent()) {
                throw new IllegalArgumentException("a snapshot named '" + name + "' already exists");
            }
            State state = currentState(handle);
            String hash = sha256(state.json());
            Instant createdAt = handle.createUpdate("""
                            INSERT INTO system_state_snapshots
                                (snapshot_name, snapshot_type, description, verification_status, state_json,
                                 state_hash, created_by)
                            VALUES (:name, :type, :description, 'hash-verified', CAST(:json AS JSONB), :hash, :createdBy)
                            """)
                    .bind("name", name)
                    .bind("type", type.dbValue())
                    .bind("description", description)
                    .bind("json", state.json())
                    .bind("hash", hash)
                    .bind("createdBy", createdBy)
                    .executeAndReturnGeneratedKeys("created_at")
                    .mapTo(OffsetDateTime.class)
                    .one()
                    .toInstant();
            LOG.info("Wrote {} snapshot '{}' of {} nodes, SHA-256 {}", type.dbValue(), name, state.nodes(), hash);
            return new Snapshot(name, type, hash, state.nodes(), createdAt);
        });
    }

    /** The current state as canonical JSON. */
    public static String currentStateJson(Handle handle) {
        return currentState(handle).json();
    }

    /**
     * Whether the stored JSON of snapshot {@code name} still hashes to its stored hash; empty if there is no such
     * snapshot.
     */
    public static Optional<Boolean> verify(Handle handle, String name) {
        return handle.createQuery("SELECT state_json::text AS json, state_hash FROM system_state_snapshots"
                        + " WHERE snapshot_name = :name")
                .bind("name", name)
                .map((rs, ctx) -> sha256(canonical(rs.getString("json"))).equals(rs.getString("state_hash")))
                .findOne();
    }

    /** Deletes automated snapshots beyond the newest {@code keep}; returns how many went. Others are never pruned. */
    public static int pruneAutomated(Handle handle, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be >= 0, got " + keep);
        }
        int pruned = handle.createUpdate("""
                        DELETE FROM system_state_snapshots
                        WHERE snapshot_type = 'automated'
                          AND id NOT IN (SELECT id FROM system_state_snapshots
                                         WHERE snapshot_type = 'automated'
                                         ORDER BY created_at DESC, id DESC LIMIT :keep)
                        """).bind("keep", keep).execute();
        if (pruned > 0) {
            LOG.info("Pruned {} automated snapshots beyond the newest {}", pruned, keep);
        }
        return pruned;
    }

    private static State currentState(Handle handle) {
        Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
        handle.createQuery("SELECT node_name, to_jsonb(n)::text AS row FROM system_nodes n ORDER BY node_name")
                .map((rs, ctx) -> Map.entry(rs.getString("node_name"), rs.getString("row")))
                .forEach(row -> nodes.put(row.getKey(), stateRow(row.getValue())));
        for (ChildTable child : CHILDREN) {
            // Table and column names come from the constant list above, never from input.
            String sql = "SELECT n.node_name, to_jsonb(t)::text AS row FROM " + child.table + " t"
                    + " JOIN system_nodes n ON n.id = t.node_id WHERE " + child.current
                    + " ORDER BY n.node_name, " + child.order;
            handle.createQuery(sql)
                    .map((rs, ctx) -> Map.entry(rs.getString("node_name"), rs.getString("row")))
                    .forEach(row ->
                            children(nodes.get(row.getKey()), child.table).add(stateRow(row.getValue())));
        }
        List<Map<String, Object>> replication = new ArrayList<>();
        handle.createQuery("""
                        SELECT p.node_name AS primary_node, r.node_name AS replica_node, to_jsonb(t)::text AS row
                        FROM replication_status t
                        JOIN system_nodes p ON p.id = t.primary_node_id
                        LEFT JOIN system_nodes r ON r.id = t.replica_node_id
                        WHERE t.is_active
                        ORDER BY p.node_name, t.link_key
                        """)
                .map((rs, ctx) -> {
                    Map<String, Object> row = stateRow(rs.getString("row"));
                    row.put("primary_node", rs.getString("primary_node"));
                    row.put("replica_node", rs.getString("replica_node"));
                    return row;
                })
                .forEach(replication::add);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("nodes", new ArrayList<>(nodes.values()));
        state.put("replication", replication);
        return new State(write(state), nodes.size());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> children(Map<String, Object> node, String table) {
        return (List<Map<String, Object>>) node.computeIfAbsent(table, key -> new ArrayList<Map<String, Object>>());
    }

    private static Map<String, Object> stateRow(String json) {
        Map<String, Object> row = read(json);
        row.keySet().removeAll(NOT_STATE);
        return row;
    }

    /** Re-serializes any JSON text canonically: sorted keys, no white space, numbers as written. */
    static String canonical(String json) {
        return write(read(json));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return CANONICAL.readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("PostgreSQL returned JSON that does not parse", e);
        }
    }

    private static String write(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state of plain values always serializes", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private record State(String json, int nodes) {}

    private record ChildTable(String table, String current, String order) {}
}
