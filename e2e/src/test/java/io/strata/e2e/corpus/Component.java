package io.strata.e2e.corpus;

import java.util.Locale;

/** A consumer of Strata topics that dead-letters what it cannot process. */
enum Component {
    /** strata-sink: consumes every topic into PostgreSQL. */
    SINK,
    /** strata-streams: consumes raw (rollups), inventory and pgstate (change detection). */
    STREAMS;

    /** The name in the manifest. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Component of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
