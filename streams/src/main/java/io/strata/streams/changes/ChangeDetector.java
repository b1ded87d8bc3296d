package io.strata.streams.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.SystemNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.generic.IndexedRecord;

/**
 * Compares two states of a node and says what changed, one {@link ChangeEvent} per changed item: a setting whose value
 * changed, a package upgraded, a service stopped, an interface with a new address. The first state of a node (or of a
 * PostgreSQL instance) is a single registration event, not one event per row.
 *
 * <p>Old and new values are the item's row as JSON (snake_case columns of the table it lands in, volatile columns
 * left out). Event ids are derived from the node, the item and the two content hashes, so reprocessing the same pair
 * of states yields the same ids.
 */
final class ChangeDetector {

    /** What wrote the events: the {@code changed_by} column. */
    static final String CHANGED_BY = "strata-streams";

    static final String REGISTERED = "registered";
    static final String ADDED = "added";
    static final String REMOVED = "removed";
    static final String MODIFIED = "modified";

    private static final List<String> HARDWARE_FIELDS = List.of(
            "modelName",
            "modelIdentifier",
            "serialNumber",
            "hardwareUuid",
            "cpuModel",
            "cpuArchitecture",
            "cpuCoresTotal",
            "cpuCoresPerformance",
            "cpuCoresEfficiency",
            "gpuModel",
            "gpuCores",
            "ramGb",
            "storageInternalTb");
    private static final List<String> OS_FIELDS = List.of("osName", "osVersion", "osBuild", "kernelVersion");
    private static final List<String> NODE_FIELDS = List.of("nodeName", "nodeRole", "status");
    private static final List<String> RECEIVER_FIELDS = List.of("status", "senderHost", "senderPort", "slotName");

    private final ObjectMapper json = new ObjectMapper();

    /** What changed between two inventories of one node; {@code previous} null means the node is new. */
    List<ChangeEvent> inventoryChanges(NodeInventory previous, NodeInventory current) {
        Objects.requireNonNull(current, "current");
        Events events =
                new Events(current.getNodeId(), current.getCollectedAt(), hash(previous), current.getContentHash());
        if (previous == null) {
            events.add(
                    ChangeType.NODE,
                    REGISTERED,
                    "system_nodes",
                    current.getNodeId(),
                    "node " + current.getNode().getNodeName() + " registered ("
                            + current.getInterfaces().size()
                            + " interfaces, " + current.getSoftware().size() + " packages, "
                            + current.getServices().size() + " services, "
                            + current.getDocumentationFiles().size() + " watched files)",
                    null,
                    registration(current));
            return events.list;
        }
        SystemNode before = previous.getNode();
        SystemNode after = current.getNode();
        String node = after.getNodeName();
        single(
                events,
                ChangeType.NODE,
                "system_nodes",
                "node",
                node,
                Rows.of(before, NODE_FIELDS),
                Rows.of(after, NODE_FIELDS));
        single(
                events,
                ChangeType.HARDWARE,
                "system_nodes",
                "hardware of",
                node,
                Rows.of(before, HARDWARE_FIELDS),
                Rows.of(after, HARDWARE_FIELDS));
        single(
                events,
                ChangeType.SOFTWARE,
                "system_nodes",
                "operating system of",
                node,
                Rows.of(before, OS_FIELDS),
                Rows.of(after, OS_FIELDS));
        items(
                events,
                new Item(ChangeType.NETWORK, "network_interfaces", "interface", "added", "removed"),
                previous.getInterfaces(),
                current.getInterfaces(),
                i -> i.getInterfaceName());
        items(
                events,
                new Item(ChangeType.SOFTWARE, "software_versions", "package", "installed", "removed"),
                previous.getSoftware(),
                current.getSoftware(),
                s -> s.getSoftwareName());
        items(
                events,
                new Item(ChangeType.SERVICE, "services", "service", "started", "stopped"),
                previous.getServices(),
                current.getServices(),
                s -> s.getServiceName() + ":" + s.getPort());
        items(
                events,
                new Item(ChangeType.DOCUMENTATION, "documentation_files", "watched file", "added", "removed"),
                previous.getDocumentationFiles(),
                current.getDocumentationFiles(),
                f -> f.getFilePath());
        return events.list;
    }

    /** What changed between two states of one PostgreSQL instance; {@code previous} null means the instance is new. */
    List<ChangeEvent> postgresChanges(PostgresState previous, PostgresState current) {
        Objects.requireNonNull(current, "current");
        String instance = current.getInstance();
        Events events =
                new Events(current.getNodeId(), current.getCollectedAt(), hash(previous), current.getContentHash());
        if (previous == null) {
            events.add(
                    ChangeType.CONFIGURATION,
                    REGISTERED,
                    "postgresql_configuration",
                    instance,
                    "PostgreSQL " + current.getServerVersion() + " on " + instance + " registered ("
                            + current.getSettings().size() + " settings, "
                            + current.getSchemaObjects().size()
                            + " schema objects, "
                            + current.getReplicationLinks().size() + " replication links)",
                    null,
                    postgresRegistration(current));
            return events.list;
        }
        if (!Objects.equals(previous.getServerVersion(), current.getServerVersion())) {
            events.add(
                    ChangeType.SOFTWARE,
                    MODIFIED,
                    "software_versions",
                    instance + "/postgresql",
                    "PostgreSQL on " + instance + " changed version " + previous.getServerVersion() + " → "
                            + current.getServerVersion(),
                    toJson(Map.of("software_name", "postgresql", "software_version", previous.getServerVersion())),
                    toJson(Map.of("software_name", "postgresql", "software_version", current.getServerVersion())));
        }
        if (!Objects.equals(previous.getInRecovery(), current.getInRecovery()) && current.getInRecovery() != null) {
            boolean replica = current.getInRecovery();
            events.add(
                    ChangeType.REPLICATION,
                    MODIFIED,
                    "replication_status",
                    instance,
                    "PostgreSQL on " + instance + (replica ? " became a replica" : " was promoted to primary"),
                    toJson(Map.of("in_recovery", String.valueOf(previous.getInRecovery()))),
                    toJson(Map.of("in_recovery", String.valueOf(replica))));
        }
        String prefix = instance + "/";
        items(
                events,
                new Item(ChangeType.CONFIGURATION, "postgresql_configuration", "setting", "added", "removed"),
                previous.getSettings(),
                current.getSettings(),
                s -> prefix + s.getSettingName());
        items(
                events,
                new Item(ChangeType.REPLICATION, "replication_status", "replication link", "connected", "disconnected"),
                previous.getReplicationLinks(),
                current.getReplicationLinks(),
                l -> prefix + l.getApplicationName() + "@" + l.getClientAddress());
        items(
                events,
                new Item(ChangeType.REPLICATION, "replication_status", "replication slot", "created", "dropped"),
                previous.getReplicationSlots(),
                current.getReplicationSlots(),
                s -> prefix + "slot " + s.getSlotName());
        single(
                events,
                ChangeType.REPLICATION,
                "replication_status",
                "WAL receiver of",
                instance,
                previous.getWalReceiver() == null ? Map.of() : Rows.of(previous.getWalReceiver(), RECEIVER_FIELDS),
                current.getWalReceiver() == null ? Map.of() : Rows.of(current.getWalReceiver(), RECEIVER_FIELDS));
        items(
                events,
                new Item(ChangeType.SCHEMA, "database_schemas", "schema object", "created", "dropped"),
                previous.getSchemaObjects(),
                current.getSchemaObjects(),
                entry -> prefix + schemaKey(entry));
        return events.list;
    }

    /** {@code db.schema.table}, then {@code .column} or {@code #index} when the row is about one. */
    static String schemaKey(DatabaseSchemaEntry entry) {
        StringBuilder key = new StringBuilder()
                .append(entry.getDatabaseName())
                .append('.')
                .append(entry.getSchemaName())
                .append('.')
                .append(entry.getTableName());
        if (entry.getColumnName() != null) {
            key.append('.').append(entry.getColumnName());
        }
        if (entry.getIndexName() != null) {
            key.append('#').append(entry.getIndexName());
        }
        return key.toString();
    }

    /** A one-row item (the node itself, a WAL receiver): one event when any of its columns changed. */
    private void single(
            Events events,
            ChangeType type,
            String table,
            String noun,
            String label,
            Map<String, Object> before,
            Map<String, Object> after) {
        if (before.equals(after)) {
            return;
        }
        String category = before.isEmpty() ? ADDED : after.isEmpty() ? REMOVED : MODIFIED;
        events.add(
                type,
                category,
                table,
                label,
                noun + " " + label + " changed: " + differences(before, after),
                before.isEmpty() ? null : toJson(before),
                after.isEmpty() ? null : toJson(after));
    }

    /** A keyed collection (interfaces, packages, settings…): one event per item added, removed or modified. */
    private <T extends IndexedRecord> void items(
            Events events, Item item, List<T> before, List<T> after, Function<T, String> key) {
        Map<String, Map<String, Object>> old = rows(before, key);
        Map<String, Map<String, Object>> now = rows(after, key);
        Set<String> keys = new LinkedHashSet<>(old.keySet());
        keys.addAll(now.keySet());
        for (String itemKey : keys) {
            Map<String, Object> was = old.get(itemKey);
            Map<String, Object> is = now.get(itemKey);
            if (was == null) {
                events.add(
                        item.type,
                        ADDED,
                        item.table,
                        itemKey,
                        item.noun + " " + itemKey + " " + item.addedVerb,
                        null,
                        toJson(is));
            } else if (is == null) {
                events.add(
                        item.type,
                        REMOVED,
                        item.table,
                        itemKey,
                        item.noun + " " + itemKey + " " + item.removedVerb,
                        toJson(was),
                        null);
            } else if (!was.equals(is)) {
                events.add(
                        item.type,
                        MODIFIED,
                        item.table,
                        itemKey,
                        item.noun + " " + itemKey + " changed: " + differences(was, is),
                        toJson(was),
                        toJson(is));
            }
        }
    }

    private static <T extends IndexedRecord> Map<String, Map<String, Object>> rows(
            List<T> records, Function<T, String> key) {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (T record : records) {
            // A duplicate key (two rows the collector could not tell apart) keeps the last, like the sink's upsert.
            rows.put(key.apply(record), Rows.of(record));
        }
        return rows;
    }

    /** {@code ipv4_address 10.0.0.5 → 10.0.0.6, is_primary false → true}. */
    private static String differences(Map<String, Object> before, Map<String, Object> after) {
        Set<String> columns = new LinkedHashSet<>(before.keySet());
        columns.addAll(after.keySet());
        return columns.stream()
                .filter(column -> !Objects.equals(before.get(column), after.get(column)))
                .map(column -> column + " " + before.get(column) + " → " + after.get(column))
                .collect(Collectors.joining(", "));
    }

    private String registration(NodeInventory inventory) {
        Map<String, Object> summary = new LinkedHashMap<>(Rows.of(inventory.getNode()));
        summary.put("interfaces", inventory.getInterfaces().size());
        summary.put("software", inventory.getSoftware().size());
        summary.put("services", inventory.getServices().size());
        summary.put("documentation_files", inventory.getDocumentationFiles().size());
        return toJson(summary);
    }

    private String postgresRegistration(PostgresState state) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("instance", state.getInstance());
        summary.put("server_version", state.getServerVersion());
        summary.put("in_recovery", state.getInRecovery());
        summary.put("settings", state.getSettings().size());
        summary.put("schema_objects", state.getSchemaObjects().size());
        summary.put("replication_links", state.getReplicationLinks().size());
        return toJson(summary);
    }

    private String toJson(Map<String, Object> row) {
        try {
            return json.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a row of plain values always serializes", e);
        }
    }

    private static String hash(IndexedRecord state) {
        if (state instanceof NodeInventory inventory) {
            return inventory.getContentHash();
        }
        if (state instanceof PostgresState postgres) {
            return postgres.getContentHash();
        }
        return "";
    }

    private record Item(ChangeType type, String table, String noun, String addedVerb, String removedVerb) {}

    /** Collects the events of one comparison with what they share: node, time, the two hashes. */
    private static final class Events {
        private final String nodeId;
        private final Instant detectedAt;
        private final String previousHash;
        private final String currentHash;
        private final List<ChangeEvent> list = new ArrayList<>();

        Events(String nodeId, Instant detectedAt, String previousHash, String currentHash) {
            this.nodeId = nodeId;
            this.detectedAt = detectedAt;
            this.previousHash = previousHash;
            this.currentHash = currentHash;
        }

        void add(
                ChangeType type,
                String category,
                String table,
                String recordKey,
                String description,
                String oldValue,
                String newValue) {
            String identity = String.join("\u0000", nodeId, table, recordKey, category, previousHash, currentHash);
            list.add(ChangeEvent.newBuilder()
                    .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8))
                            .toString())
                    .setNodeId(nodeId)
                    .setChangeType(type)
                    .setChangeCategory(category)
                    .setTableAffected(table)
                    .setRecordKey(recordKey)
                    .setChangeDescription(description)
                    .setOldValue(oldValue)
                    .setNewValue(newValue)
                    .setChangedBy(CHANGED_BY)
                    .setDetectedAt(detectedAt)
                    .build());
        }
    }
}
