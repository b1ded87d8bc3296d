package io.strata.schemas.topic;

import java.util.Objects;

/**
 * A topic config that had drifted from the catalog and was set back.
 *
 * @param topic the topic
 * @param key the topic config, e.g. {@code retention.ms}
 * @param oldValue the value found (null if the broker reported none)
 * @param newValue the value set
 */
public record ConfigCorrection(String topic, String key, String oldValue, String newValue) {

    /** Validates. */
    public ConfigCorrection {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(newValue, "newValue");
    }

    /** {@code strata.metrics.raw retention.ms: 3600000 -> 2592000000}. */
    @Override
    public String toString() {
        return topic + " " + key + ": " + oldValue + " -> " + newValue;
    }
}
