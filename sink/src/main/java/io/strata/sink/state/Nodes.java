package io.strata.sink.state;

import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks nodes up by their stable key (Avro {@code nodeId}) and registers new ones. */
public final class Nodes {
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);

    private Nodes() {}

    /** The {@code system_nodes.id} of the node with this key, if known. */
    public static Optional<Long> findId(Handle handle, String nodeKey) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(nodeKey, "nodeKey");
        return handle.createQuery("SELECT id FROM system_nodes WHERE node_key = :key")
                .bind("key", nodeKey)
                .mapTo(Long.class)
                .findOne();
    }

    /**
     * The id of the node with this key, registering it with the given name when it is new (for example from a
     * {@code MetricBatch}, which carries nodeId and nodeName; the node's inventory fills in the rest later).
     */
    public static long ensure(Handle handle, String nodeKey, String nodeName) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(nodeKey, "nodeKey");
        Optional<Long> existing = findId(handle, nodeKey);
        if (existing.isPresent()) {
            return existing.get();
        }
        String name = nodeName == null || nodeName.isBlank() ? nodeKey : nodeName;
        freeName(handle, nodeKey, name);
        return handle.createQuery("INSERT INTO system_nodes (node_key, node_name) VALUES (:key, :name) "
                        + "ON CONFLICT (node_key) DO UPDATE SET node_key = EXCLUDED.node_key RETURNING id")
                .bind("key", nodeKey)
                .bind("name", name)
                .mapTo(Long.class)
                .one();
    }

    /**
     * node_name is UNIQUE: when another node (another key) holds the name, that older claim is renamed to
     * {@code "<name> [<its key>]"} so the reporting node gets it and no insert fails.
     */
    static void freeName(Handle handle, String nodeKey, String nodeName) {
        int renamed = handle.createUpdate("UPDATE system_nodes SET node_name = node_name || ' [' || node_key || ']', "
                        + "updated_at = now() WHERE node_name = :name AND node_key <> :key")
                .bind("name", nodeName)
                .bind("key", nodeKey)
                .execute();
        if (renamed > 0) {
            LOG.warn("node name {} moved to node {}; the node that held it was renamed", nodeName, nodeKey);
        }
    }
}
