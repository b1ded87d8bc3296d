package io.strata.sink.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay protection of raw batches: the highest {@code MetricBatch.sequence} written per node, kept in {@code
 * sink_node_sequences} (per consumer group, as the offsets) and cached here. A batch whose sequence is not above the
 * last one written, in flight or accepted earlier in the same poll is a replay (a probe's spool re-sending after a
 * lost ack, a restarted generator regenerating an overlapping history) and is dead-lettered instead of written.
 *
 * <p>The table is updated in the transaction of the rows and offsets, so a crash never separates them; the cache is
 * raised only after that transaction committed, and reloaded when partitions are assigned. A node's batches are
 * expected in one partition (the producers key them by node id), so one consumer thread judges all of them.
 */
final class NodeSequences {

    private static final String SELECT =
            "SELECT node_key, last_sequence FROM sink_node_sequences WHERE consumer_group = ?";

    /** GREATEST: the stored value never goes down, whatever order concurrent writers commit in. */
    private static final String UPSERT = """
            INSERT INTO sink_node_sequences (consumer_group, node_key, last_sequence, updated_at)
            SELECT ?, t.node_key, t.last_sequence, now()
            FROM unnest(?::text[], ?::bigint[]) AS t(node_key, last_sequence)
            ON CONFLICT (consumer_group, node_key) DO UPDATE
            SET last_sequence = GREATEST(sink_node_sequences.last_sequence, excluded.last_sequence),
                updated_at = excluded.updated_at""";

    private final String groupId;
    private final Map<String, Long> committed = new ConcurrentHashMap<>();

    NodeSequences(String groupId) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
    }

    /** Reads every node's stored sequence into the cache (never lowering a cached one). */
    void load(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setString(1, groupId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    committed.merge(rows.getString(1), rows.getLong(2), Math::max);
                }
            }
        }
    }

    /** The last committed sequence of {@code nodeKey}, or null. */
    Long committed(String nodeKey) {
        return committed.get(nodeKey);
    }

    /**
     * The judge of one poll's batches, in record order.
     *
     * @param inFlight the highest sequences of the poll whose transaction has not committed yet (write-behind)
     */
    Check check(Map<String, Long> inFlight) {
        return new Check(Objects.requireNonNull(inFlight, "inFlight"));
    }

    /**
     * Stores the highest sequence of each node in {@code lastByNode}, inside the caller's transaction. One statement,
     * nodes in a fixed order so that two sinks cannot deadlock on each other's rows.
     */
    void write(Connection connection, Map<String, Long> lastByNode) throws SQLException {
        if (lastByNode.isEmpty()) {
            return;
        }
        Map<String, Long> ordered = new TreeMap<>(lastByNode);
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setString(1, groupId);
            upsert.setArray(2, connection.createArrayOf("text", ordered.keySet().toArray()));
            upsert.setArray(
                    3, connection.createArrayOf("bigint", ordered.values().toArray()));
            upsert.executeUpdate();
        }
    }

    /** After the transaction that wrote {@code lastByNode} committed. */
    void committed(Map<String, Long> lastByNode) {
        lastByNode.forEach((node, sequence) -> committed.merge(node, sequence, Math::max));
    }

    /** Decides, batch after batch of one poll, which are new and which are replays. Not thread-safe. */
    final class Check {
        private final Map<String, Long> inFlight;
        private final Map<String, Long> accepted = new HashMap<>();

        private Check(Map<String, Long> inFlight) {
            this.inFlight = inFlight;
        }

        /** The highest sequence of {@code nodeKey} written, in flight or accepted so far; null if none. */
        Long last(String nodeKey) {
            Long last = accepted.get(nodeKey);
            if (last != null) {
                return last;
            }
            Long stored = committed.get(nodeKey);
            Long pending = inFlight.get(nodeKey);
            if (stored == null) {
                return pending;
            }
            return pending == null ? stored : Math.max(stored, pending);
        }

        /** Whether the batch is new (then it is accepted: later batches of the node must be above it). */
        boolean accept(String nodeKey, long sequence) {
            Long last = last(nodeKey);
            if (last != null && sequence <= last) {
                return false;
            }
            accepted.put(nodeKey, sequence);
            return true;
        }

        /** The highest sequence accepted per node in this poll. */
        Map<String, Long> accepted() {
            return accepted;
        }
    }
}
