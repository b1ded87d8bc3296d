package io.strata.producer.spool;

import java.util.Objects;

/**
 * One record waiting in the spool.
 *
 * @param topic the Kafka topic it goes to
 * @param key the Kafka key (the node id)
 * @param value the serialized value
 * @param samples how many metric samples it carries (0 for inventory and state), for counting what a drop loses
 */
public record SpoolRecord(String topic, String key, byte[] value, int samples) {

    /** Validates. */
    public SpoolRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (samples < 0) {
            throw new IllegalArgumentException("samples < 0: " + samples);
        }
    }
}
