package io.strata.sink.snapshot;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot as stored.
 *
 * @param name unique name
 * @param type kind of snapshot
 * @param stateHash SHA-256 (lower-case hex) of the canonical state JSON
 * @param nodes number of nodes in the state
 * @param createdAt when it was written
 */
public record Snapshot(String name, SnapshotType type, String stateHash, int nodes, Instant createdAt) {

    /** Validates the fields. */
    public Snapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateHash, "stateHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
