package io.strata.schemas.topic;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The desired shape of one topic.
 *
 * @param name the topic name
 * @param partitions the number of partitions (at least 1)
 * @param replicationFactor the replication factor, or {@link #BROKER_DEFAULT_REPLICATION} for the broker's default
 * @param configs topic-level configs this topic must have (cleanup policy, retention, timestamp type)
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    /** Replication factor meaning "the broker's {@code default.replication.factor}". */
    public static final short BROKER_DEFAULT_REPLICATION = -1;

    /** Validates and copies. */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be >= 1, was " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException(
                    name + ": replication factor must be >= 1 or broker default, was " + replicationFactor);
        }
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    /** The replication factor, empty when the broker's default applies. */
    public Optional<Short> explicitReplicationFactor() {
        return replicationFactor == BROKER_DEFAULT_REPLICATION ? Optional.empty() : Optional.of(replicationFactor);
    }

    /** The Admin request that creates this topic. */
    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions), explicitReplicationFactor()).configs(configs);
    }
}
