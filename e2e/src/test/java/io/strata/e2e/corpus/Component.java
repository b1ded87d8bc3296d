package io.strata.e2e.corpus;

import io.strata.schemas.deadletter.DeadLetterHeaders;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A consumer of Strata topics that dead-letters what it cannot process. */
enum Component {
    /** strata-sink: consumes every topic into PostgreSQL. */
    SINK(DeadLetterHeaders.SOURCE_SINK),
    /** strata-streams: consumes raw (rollups), inventory and pgstate (change detection). */
    STREAMS(DeadLetterHeaders.SOURCE_STREAMS);

    private final String source;

    Component(String source) {
        this.source = source;
    }

    /** The name in the manifest. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Component of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** The component whose dead letters carry this {@code strata.dlt.source}, if any. */
    static Optional<Component> ofSource(String source) {
        return Arrays.stream(values()).filter(c -> c.source.equals(source)).findFirst();
    }
}
