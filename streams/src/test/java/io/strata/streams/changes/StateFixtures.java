package io.strata.streams.changes;

import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.hash.ContentHash;
import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Inventories and PostgreSQL states to compare, with correct content hashes. */
final class StateFixtures {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private static final SimulatedFleet FLEET = SimulatedFleet.of(7, 2, 1, Duration.ofSeconds(10));

    private StateFixtures() {}

    static NodeInventory inventory(Instant collectedAt) {
        NodeInventory inventory = NodeInventory.newBuilder(FLEET.inventory(0))
                .setCollectedAt(collectedAt)
                .build();
        return rehash(inventory);
    }

    /** A deep copy of {@code inventory}, changed by {@code change}, collected later, re-hashed. */
    static NodeInventory changed(NodeInventory inventory, Consumer<NodeInventory> change) {
        NodeInventory copy = NodeInventory.newBuilder(inventory)
                .setCollectedAt(inventory.getCollectedAt().plusSeconds(300))
                .build();
        change.accept(copy);
        return rehash(copy);
    }

    static PostgresState postgres(Instant collectedAt) {
        PostgresState state = PostgresState.newBuilder()
                .setNodeId(FLEET.nodeId(0))
                .setInstance("127.0.0.1:5432")
                .setCollectedAt(collectedAt)
                .setContentHash("")
                .setServerVersion("18.1")
                .setServerVersionNum(180001)
                .setInRecovery(false)
                .setSettings(List.of(
                        setting("max_connections", "100", null, "postmaster"),
                        setting("shared_buffers", "16384", "8kB", "postmaster"),
                        setting("work_mem", "4096", "kB", "user")))
                .setReplicationLinks(List.of(ReplicationLink.newBuilder()
                        .setApplicationName("replica1")
                        .setClientAddress("10.0.0.2")
                        .setState("streaming")
                        .setSyncState("async")
                        .setReplayLagBytes(100L)
                        .build()))
                .setSchemaObjects(
                        List.of(column("orders", "id", "bigint", true), column("orders", "total", "numeric", false)))
                .build();
        return rehash(state);
    }

    static PostgresState changed(PostgresState state, Consumer<PostgresState> change) {
        PostgresState copy = PostgresState.newBuilder(state)
                .setCollectedAt(state.getCollectedAt().plusSeconds(300))
                .build();
        change.accept(copy);
        return rehash(copy);
    }

    static PostgresSetting setting(String name, String value, String unit, String context) {
        return PostgresSetting.newBuilder()
                .setSettingName(name)
                .setSettingValue(value)
                .setSettingUnit(unit)
                .setContext(context)
                .setRequiresRestart(false)
                .build();
    }

    static DatabaseSchemaEntry column(String table, String column, String type, boolean primaryKey) {
        return DatabaseSchemaEntry.newBuilder()
                .setDatabaseName("shop")
                .setSchemaName("public")
                .setTableName(table)
                .setColumnName(column)
                .setDataType(type)
                .setIsNullable(!primaryKey)
                .setIsPrimaryKey(primaryKey)
                .setTableSizeBytes(8192L)
                .build();
    }

    private static NodeInventory rehash(NodeInventory inventory) {
        inventory.setContentHash(ContentHash.of(inventory));
        return inventory;
    }

    private static PostgresState rehash(PostgresState state) {
        state.setContentHash(ContentHash.of(state));
        return state;
    }
}
