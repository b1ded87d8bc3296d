package io.strata.sink.state;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.avro.SystemNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fixture fleet: a primary and a replica, with interfaces, software, services, settings and a link. */
final class Fleet {
    static final String PRIMARY_KEY = "node-primary-key";
    static final String REPLICA_KEY = "node-replica-key";
    static final String PRIMARY = "pg-primary";
    static final String REPLICA = "pg-replica";
    static final String HASH_A = "a".repeat(64);
    static final String HASH_B = "b".repeat(64);

    private Fleet() {}

    static NodeInventory primary(Instant at) {
        return inventory(
                        PRIMARY_KEY,
                        PRIMARY,
                        "primary",
                        "10.0.0.1",
                        at,
                        List.of(
                                service("postgresql", "database", 5432, "running"),
                                service("node_exporter", "agent", 9100, "running")))
                .build();
    }

    static NodeInventory replica(Instant at) {
        return inventory(
                        REPLICA_KEY,
                        REPLICA,
                        "replica",
                        "10.0.0.2",
                        at,
                        List.of(
                                service("postgresql", "database", 5432, "running"),
                                service("backup-agent", "agent", null, "running")))
                .build();
    }

    static NodeInventory.Builder inventory(
            String key, String name, String role, String ip, Instant at, List<NodeService> services) {
        return NodeInventory.newBuilder()
                .setNodeId(key)
                .setCollectedAt(at)
                .setContentHash(Integer.toHexString((key + at + services).hashCode()))
                .setNode(SystemNode.newBuilder()
                        .setNodeName(name)
                        .setNodeRole(role)
                        .setCpuModel("Example CPU 8-core")
                        .setCpuArchitecture("x86_64")
                        .setCpuCoresTotal(8)
                        .setGpuCores(0)
                        .setRamGb(64.0)
                        .setStorageInternalTb(2.0)
                        .setOsName("Linux")
                        .setOsVersion("Debian 13")
                        .setKernelVersion("6.12.0")
                        .setMetadata(Map.of("rack", "r1"))
                        .build())
                .setInterfaces(List.of(
                        NodeNetworkInterface.newBuilder()
                                .setInterfaceName("eth0")
                                .setInterfaceType("ethernet")
                                .setMacAddress("02:00:00:00:00:0" + (key.equals(PRIMARY_KEY) ? "1" : "2"))
                                .setIpv4Address(ip)
                                .setIpv4Netmask("255.255.255.0")
                                .setIpv4Gateway("10.0.0.254")
                                .setConnectionSpeedMbps(10_000L)
                                .setIsPrimary(true)
                                .setIsActive(true)
                                .setMetadata(Map.of())
                                .build(),
                        NodeNetworkInterface.newBuilder()
                                .setInterfaceName("lo")
                                .setInterfaceType("loopback")
                                .setIpv4Address("127.0.0.1")
                                .setIsPrimary(false)
                                .setIsActive(true)
                                .setMetadata(Map.of())
                                .build()))
                .setSoftware(List.of(software("postgresql", "18.1"), software("openjdk", "17.0.14")))
                .setServices(new ArrayList<>(services))
                .setDocumentationFiles(List.of(DocumentationFile.newBuilder()
                        .setFileName("postgresql.conf")
                        .setFilePath("/etc/postgresql/postgresql.conf")
                        .setFileSizeBytes(1234L)
                        .setFileHash(HASH_A)
                        .setCategory("configuration")
                        .setIsLatest(true)
                        .setMetadata(Map.of())
                        .build()));
    }

    static NodeSoftware software(String name, String version) {
        return NodeSoftware.newBuilder()
                .setSoftwareName(name)
                .setSoftwareVersion(version)
                .setSoftwareArchitecture("x86_64")
                .setRuntimeMode("native")
                .setInstallPath("/usr/lib/" + name)
                .setIsActive(true)
                .setMetadata(Map.of())
                .build();
    }

    static NodeService service(String name, String type, Integer port, String status) {
        return NodeService.newBuilder()
                .setServiceName(name)
                .setServiceType(type)
                .setProcessId(1000 + name.length())
                .setPort(port)
                .setBindAddress("0.0.0.0")
                .setExecutablePath("/usr/bin/" + name)
                .setStatus(status)
                .setStartedAt(Instant.parse("2026-11-01T00:00:00Z"))
                .setUptimeSeconds(7200L)
                .setMetadata(Map.of())
                .build();
    }

    static PostgresState.Builder primaryState(Instant at) {
        return PostgresState.newBuilder()
                .setNodeId(PRIMARY_KEY)
                .setInstance("10.0.0.1:5432")
                .setCollectedAt(at)
                .setContentHash("h-" + at)
                .setServerVersion("18.1")
                .setServerVersionNum(180001)
                .setInRecovery(false)
                .setSettings(List.of(
                        setting("max_connections", "100", null, "postmaster", false, null),
                        setting("shared_buffers", "16384", "8kB", "postmaster", true, "32768"),
                        setting("work_mem", "4096", "kB", "user", false, null)))
                .setReplicationLinks(List.of(ReplicationLink.newBuilder()
                        .setApplicationName(REPLICA)
                        .setClientAddress("10.0.0.2")
                        .setState("streaming")
                        .setSyncState("async")
                        .setSlotName("replica_slot")
                        .setReplayLagBytes(4096L)
                        .setReplayLagMs(12L)
                        .setWriteLagMs(3L)
                        .setFlushLagMs(5L)
                        .build()))
                .setReplicationSlots(List.of())
                .setSchemaObjects(List.of(
                        DatabaseSchemaEntry.newBuilder()
                                .setDatabaseName("app")
                                .setSchemaName("public")
                                .setTableName("orders")
                                .setColumnName("id")
                                .setDataType("bigint")
                                .setIsNullable(false)
                                .setIsPrimaryKey(true)
                                .setIndexName("orders_pkey")
                                .setIndexType("btree")
                                .setTableSizeBytes(8192L)
                                .build(),
                        DatabaseSchemaEntry.newBuilder()
                                .setDatabaseName("app")
                                .setSchemaName("public")
                                .setTableName("orders")
                                .setColumnName("note")
                                .setDataType("text")
                                .setIsNullable(true)
                                .setIsPrimaryKey(false)
                                .build()));
    }

    static PostgresState.Builder replicaState(Instant at) {
        return PostgresState.newBuilder()
                .setNodeId(REPLICA_KEY)
                .setInstance("10.0.0.2:5432")
                .setCollectedAt(at)
                .setContentHash("r-" + at)
                .setServerVersion("18.1")
                .setInRecovery(true)
                .setSettings(List.of(
                        setting("max_connections", "100", null, "postmaster", false, null),
                        setting("hot_standby", "on", null, "postmaster", false, null)))
                .setReplicationLinks(List.of())
                .setReplicationSlots(List.of())
                .setSchemaObjects(List.of());
    }

    static PostgresSetting setting(
            String name, String value, String unit, String context, boolean restart, String pending) {
        return PostgresSetting.newBuilder()
                .setSettingName(name)
                .setSettingValue(value)
                .setSettingUnit(unit)
                .setSettingCategory("Test")
                .setContext(context)
                .setSource("configuration file")
                .setRequiresRestart(restart)
                .setPendingValue(pending)
                .build();
    }

    static ChangeEvent.Builder change(String eventId, String nodeKey) {
        return ChangeEvent.newBuilder()
                .setEventId(eventId)
                .setNodeId(nodeKey)
                .setChangeType(ChangeType.SERVICE)
                .setChangeCategory("removed")
                .setTableAffected("services")
                .setRecordKey("node_exporter")
                .setChangeDescription("service node_exporter disappeared")
                .setOldValue("{\"status\": \"running\"}")
                .setNewValue(null)
                .setChangedBy("strata-streams")
                .setDetectedAt(Instant.parse("2026-11-20T10:00:00Z"));
    }
}
