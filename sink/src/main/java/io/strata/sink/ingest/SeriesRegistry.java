package io.strata.sink.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ids of {@code system_nodes} and {@code metric_series}, cached in memory. New ones are registered by upsert inside
 * the caller's transaction and kept in a {@link Pending} set until that transaction commits: an id from a rolled
 * back insert never reaches the cache.
 */
final class SeriesRegistry {

    /** Entries kept before the cache is cleared (ids are re-read on demand). */
    private static final int MAX_CACHED_SERIES = 2_000_000;

    /**
     * Inserts the new series and returns the ordinal and id of those it inserted, in one round trip (the join is
     * over the statement's own rows, not the table); series that existed already are then read by {@link
     * #SELECT_SERIES}.
     */
    private static final String INSERT_SERIES = """
            WITH t AS (
                SELECT t.node_id, t.category, t.name, t.unit, t.labels::jsonb AS labels, t.kind, t.ord
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                    AS t(node_id, category, name, unit, labels, kind, ord)
            ), inserted AS (
                INSERT INTO metric_series (node_id, metric_category, metric_name, metric_unit, labels, kind)
                SELECT t.node_id, t.category, t.name, t.unit, t.labels, t.kind FROM t ORDER BY t.ord
                ON CONFLICT (node_id, metric_category, metric_name, labels) DO NOTHING
                RETURNING id, node_id, metric_category, metric_name, labels
            )
            SELECT t.ord, inserted.id
            FROM inserted JOIN t ON t.node_id = inserted.node_id AND t.category = inserted.metric_category
                AND t.name = inserted.metric_name AND t.labels = inserted.labels""";

    private static final String SELECT_SERIES = """
            SELECT t.ord, s.id
            FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS t(node_id, category, name, labels, ord)
            JOIN metric_series s ON s.node_id = t.node_id AND s.metric_category = t.category
                AND s.metric_name = t.name AND s.labels = t.labels::jsonb""";

    private static final Comparator<SeriesKey> SERIES_ORDER = Comparator.comparing(SeriesKey::nodeKey)
            .thenComparing(SeriesKey::category)
            .thenComparing(SeriesKey::name)
            .thenComparing(SeriesKey::labelsJson);

    private final Map<String, Long> nodes = new ConcurrentHashMap<>();
    private final Map<SeriesKey, Long> series = new ConcurrentHashMap<>();
    /**
     * The ids of a whole series array, by identity: a node's batches share one array while its series stay the same
     * ({@link RawBatchDecoder}), so a steady stream needs no lookup per series at all. Weak, so arrays the decoder
     * dropped go too (arrays hash by identity).
     */
    private final Map<SeriesKey[], long[]> layouts = Collections.synchronizedMap(new WeakHashMap<>());

    /** Ids registered in a transaction that has not committed yet. */
    static final class Pending {
        private final Map<String, Long> nodes = new HashMap<>();
        private final Map<SeriesKey, Long> series = new HashMap<>();
        private final Map<SeriesKey[], long[]> layouts = new IdentityHashMap<>();

        /** Remembers the ids of a series array, cached once the transaction committed. */
        void layout(SeriesKey[] keys, long[] ids) {
            layouts.put(keys, ids);
        }
    }

    /** The committed ids of the series of {@code keys}, in order, or null. */
    long[] cachedLayout(SeriesKey[] keys) {
        return layouts.get(keys);
    }

    /** The cached id of a node, or null. */
    Long cachedNode(String nodeKey) {
        return nodes.get(nodeKey);
    }

    /** Reads the ids of those of {@code nodeKeys} that are registered; caches them (they are committed rows). */
    Map<String, Long> findNodes(Connection connection, Collection<String> nodeKeys) throws SQLException {
        Map<String, Long> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String key : nodeKeys) {
            Long id = nodes.get(key);
            if (id != null) {
                found.put(key, id);
            } else {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT node_key, id FROM system_nodes WHERE node_key = ANY (?)")) {
                select.setArray(1, connection.createArrayOf("text", missing.toArray()));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getString(1), rows.getLong(2));
                        nodes.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
        }
        return found;
    }

    /**
     * The id of a node, registering it with just its key and name when it has no row yet (a probe's first batch may
     * arrive before its inventory, which then fills in the rest).
     */
    long registerNode(Connection connection, Pending pending, String nodeKey, String nodeName) throws SQLException {
        Long id = nodes.get(nodeKey);
        if (id == null) {
            id = pending.nodes.get(nodeKey);
        }
        if (id != null) {
            return id;
        }
        id = selectNode(connection, nodeKey);
        if (id == null) {
            id = insertNode(connection, nodeKey, nodeName);
        }
        if (id == null) {
            // Another node holds this name (node_name is unique): register under a name that says which one.
            id = insertNode(connection, nodeKey, nodeName + " [" + nodeKey + "]");
        }
        if (id == null) {
            throw new IllegalStateException("Cannot register node '" + nodeKey + "'");
        }
        pending.nodes.put(nodeKey, id);
        return id;
    }

    /** The ids of {@code keys}, registering the missing ones; {@code nodeIds} must hold every key's node. */
    Map<SeriesKey, Long> resolve(
            Connection connection, Pending pending, Collection<SeriesKey> keys, Map<String, Long> nodeIds)
            throws SQLException {
        Map<SeriesKey, Long> ids = new HashMap<>();
        Set<SeriesKey> missing = new LinkedHashSet<>();
        for (SeriesKey key : keys) {
            Long id = series.get(key);
            if (id == null) {
                id = pending.series.get(key);
            }
            if (id != null) {
                ids.put(key, id);
            } else {
                missing.add(key);
            }
        }
        if (missing.isEmpty()) {
            return ids;
        }
        List<SeriesKey> ordered = new ArrayList<>(missing);
        // One order for every sink thread: concurrent registrations then wait on each other instead of deadlocking.
        ordered.sort(SERIES_ORDER);
        Long[] nodeColumn = new Long[ordered.size()];
        String[] categories = new String[ordered.size()];
        String[] names = new String[ordered.size()];
        String[] units = new String[ordered.size()];
        String[] labels = new String[ordered.size()];
        String[] kinds = new String[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            SeriesKey key = ordered.get(i);
            Long nodeId = nodeIds.get(key.nodeKey());
            if (nodeId == null) {
                throw new IllegalStateException("No node id for series of node '" + key.nodeKey() + "'");
            }
            nodeColumn[i] = nodeId;
            categories[i] = key.category();
            names[i] = key.name();
            units[i] = key.unit();
            labels[i] = key.labelsJson();
            kinds[i] = key.kind();
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_SERIES)) {
            insert.setArray(1, connection.createArrayOf("bigint", nodeColumn));
            insert.setArray(2, connection.createArrayOf("text", categories));
            insert.setArray(3, connection.createArrayOf("text", names));
            insert.setArray(4, connection.createArrayOf("text", units));
            insert.setArray(5, connection.createArrayOf("text", labels));
            insert.setArray(6, connection.createArrayOf("text", kinds));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    SeriesKey key = ordered.get((int) rows.getLong(1) - 1);
                    ids.put(key, rows.getLong(2));
                    pending.series.put(key, rows.getLong(2));
                }
            }
        }
        List<SeriesKey> existing = new ArrayList<>();
        for (SeriesKey key : ordered) {
            if (!ids.containsKey(key)) {
                existing.add(key); // registered before, or by a concurrent sink
            }
        }
        if (!existing.isEmpty()) {
            selectSeries(connection, pending, existing, nodeIds, ids);
        }
        for (SeriesKey key : ordered) {
            if (!ids.containsKey(key)) {
                throw new IllegalStateException("Series not found after registering it: " + key);
            }
        }
        return ids;
    }

    private static void selectSeries(
            Connection connection,
            Pending pending,
            List<SeriesKey> keys,
            Map<String, Long> nodeIds,
            Map<SeriesKey, Long> ids)
            throws SQLException {
        Long[] nodeColumn = new Long[keys.size()];
        String[] categories = new String[keys.size()];
        String[] names = new String[keys.size()];
        String[] labels = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            SeriesKey key = keys.get(i);
            nodeColumn[i] = nodeIds.get(key.nodeKey());
            categories[i] = key.category();
            names[i] = key.name();
            labels[i] = key.labelsJson();
        }
        try (PreparedStatement select = connection.prepareStatement(SELECT_SERIES)) {
            select.setArray(1, connection.createArrayOf("bigint", nodeColumn));
            select.setArray(2, connection.createArrayOf("text", categories));
            select.setArray(3, connection.createArrayOf("text", names));
            select.setArray(4, connection.createArrayOf("text", labels));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    SeriesKey key = keys.get((int) rows.getLong(1) - 1);
                    ids.put(key, rows.getLong(2));
                    pending.series.put(key, rows.getLong(2));
                }
            }
        }
    }

    /** Moves the ids of a committed transaction into the cache. */
    void committed(Pending pending) {
        if (series.size() + pending.series.size() > MAX_CACHED_SERIES) {
            series.clear();
        }
        nodes.putAll(pending.nodes);
        series.putAll(pending.series);
        layouts.putAll(pending.layouts);
    }

    /** Forgets everything (after the tables were changed behind the sink's back). */
    void clear() {
        nodes.clear();
        series.clear();
        layouts.clear();
    }

    private static Long selectNode(Connection connection, String nodeKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM system_nodes WHERE node_key = ?")) {
            select.setString(1, nodeKey);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    private static Long insertNode(Connection connection, String nodeKey, String nodeName) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO system_nodes (node_key, node_name) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id")) {
            insert.setString(1, nodeKey);
            insert.setString(2, nodeName);
            try (ResultSet rows = insert.executeQuery()) {
                if (rows.next()) {
                    return rows.getLong(1);
                }
            }
        }
        return selectNode(connection, nodeKey);
    }
}
