package io.strata.streams.changes;

import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.topic.TopicCatalog;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The change-detection part of the Streams application: {@code strata.inventory} and {@code strata.pgstate} in,
 * {@code strata.changes} out (undecodable input to {@code strata.deadletter}).
 *
 * <p>Each input is its own sub-topology with its own store of the last state per node (inventory) or per node and
 * PostgreSQL instance (pgstate), so the two topics need not have the same number of partitions. Both topics are
 * compacted and keyed by node, so a store holds one small record per node and its changelog needs no retention
 * beyond compaction.
 */
public final class ChangeTopology {

    /** Store of the last {@code NodeInventory} per node id. */
    public static final String INVENTORY_STORE = "changes-last-inventory";
    /** Store of the last {@code PostgresState} per node id and instance. */
    public static final String PGSTATE_STORE = "changes-last-pgstate";

    private ChangeTopology() {}

    /** Adds the change-detection sources, processors, stores and sinks to {@code topology}. */
    public static Topology addTo(Topology topology) {
        Objects.requireNonNull(topology, "topology");
        add(
                topology,
                "changes-inventory",
                TopicCatalog.INVENTORY,
                INVENTORY_STORE,
                new ChangeDetectionProcessor.Kind<NodeInventory>(
                        "inventory",
                        AvroSerdes.nodeInventory(),
                        NodeInventory::getNodeId,
                        NodeInventory::getNodeId,
                        NodeInventory::getCollectedAt,
                        NodeInventory::getContentHash,
                        ChangeDetector::inventoryChanges));
        add(
                topology,
                "changes-pgstate",
                TopicCatalog.PGSTATE,
                PGSTATE_STORE,
                new ChangeDetectionProcessor.Kind<PostgresState>(
                        "pgstate",
                        AvroSerdes.postgresState(),
                        PostgresState::getNodeId,
                        state -> state.getNodeId() + "|" + state.getInstance(),
                        PostgresState::getCollectedAt,
                        PostgresState::getContentHash,
                        ChangeDetector::postgresChanges));
        return topology;
    }

    private static <S extends org.apache.avro.specific.SpecificRecord> void add(
            Topology topology,
            String prefix,
            String inputTopic,
            String storeName,
            ChangeDetectionProcessor.Kind<S> kind) {
        String source = prefix + "-source";
        String processor = prefix + "-detector";
        String changesSink = prefix + "-changes-sink";
        String deadLetterSink = prefix + "-deadletter-sink";
        topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), inputTopic);
        topology.addProcessor(
                processor, () -> new ChangeDetectionProcessor<>(kind, storeName, changesSink, deadLetterSink), source);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.ByteArray()),
                processor);
        topology.addSink(
                changesSink, TopicCatalog.CHANGES, new ByteArraySerializer(), new ByteArraySerializer(), processor);
        topology.addSink(
                deadLetterSink,
                TopicCatalog.DEADLETTER,
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                processor);
    }
}
