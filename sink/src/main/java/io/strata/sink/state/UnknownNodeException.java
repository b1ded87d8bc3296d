package io.strata.sink.state;

/** A state record names a node the database does not know (no {@code system_nodes} row with that node key). */
public final class UnknownNodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String nodeKey;

    UnknownNodeException(String nodeKey) {
        super("unknown node: " + nodeKey);
        this.nodeKey = nodeKey;
    }

    /** The node key (Avro {@code nodeId}) that was not found. */
    public String nodeKey() {
        return nodeKey;
    }
}
