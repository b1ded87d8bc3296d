package io.strata.sink.ingest;

import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.state.ChangeLogWriter;
import io.strata.sink.state.NodeInventoryWriter;
import io.strata.sink.state.PostgresStateWriter;
import java.util.List;
import java.util.Objects;

/**
 * The state topics and their writers from {@code io.strata.sink.state}: {@code strata.inventory} into {@code
 * system_nodes} and its child tables, {@code strata.pgstate} into {@code postgresql_configuration}, {@code
 * replication_status} and {@code database_schemas}, {@code strata.changes} appended to {@code change_log}.
 *
 * <p>A {@code PostgresState} of a node that has no {@code system_nodes} row yet registers the node: topics are consumed
 * in no particular order, so it may come before the node's inventory.
 */
public final class StateTopics {

    private StateTopics() {}

    /** The three state topics under their catalog names. */
    public static List<StateTopic<?>> all() {
        return all(TopicCatalog.INVENTORY, TopicCatalog.PGSTATE, TopicCatalog.CHANGES);
    }

    /** The three state topics under other names (tests). */
    public static List<StateTopic<?>> all(String inventoryTopic, String pgstateTopic, String changesTopic) {
        Objects.requireNonNull(inventoryTopic, "inventoryTopic");
        Objects.requireNonNull(pgstateTopic, "pgstateTopic");
        Objects.requireNonNull(changesTopic, "changesTopic");
        NodeInventoryWriter inventories = new NodeInventoryWriter();
        PostgresStateWriter states = new PostgresStateWriter();
        ChangeLogWriter changes = new ChangeLogWriter();
        return List.of(
                new StateTopic<>(inventoryTopic, AvroSerdes.nodeInventory(), inventories::apply),
                new StateTopic<>(pgstateTopic, AvroSerdes.postgresState(), states::apply),
                new StateTopic<>(changesTopic, AvroSerdes.changeEvent(), changes::append));
    }
}
