package io.strata.sink.snapshot;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of snapshot: only {@link #AUTOMATED} ones are ever pruned. */
public enum SnapshotType {
    PRODUCTION,
    VERIFIED,
    BASELINE,
    AUTOMATED;

    /** The value stored in {@code system_state_snapshots.snapshot_type}. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code verified}, {@code production}, {@code baseline} or {@code automated} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SnapshotType parse(String text) {
        for (SnapshotType type : values()) {
            if (type.dbValue().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return type;
            }
        }
        throw new IllegalArgumentException("invalid snapshot type '" + text + "' (expected one of "
                + Arrays.stream(values()).map(SnapshotType::dbValue).collect(Collectors.joining(", ")) + ")");
    }
}
