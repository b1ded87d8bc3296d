package io.strata.schemas.serde;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.avro.ReplicationSlot;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.avro.SystemNode;
import io.strata.schemas.avro.WalReceiver;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Fully and minimally populated records of every type (timestamps at millisecond precision, as on the wire). */
final class RecordFixtures {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123Z");
    static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private RecordFixtures() {}

    static MetricBatch fullMetricBatch() {
        return MetricBatch.newBuilder()
                .setNodeId("node-7f3a")
                .setNodeName("db-primary-1")
                .setCollectedAt(T0)
                .setSequence(42L)
                .setIntervalMs(10_000L)
                .setSamples(List.of(
                        MetricSample.newBuilder()
                                .setCategory("cpu")
                                .setName("load_1m")
                                .setValue(1.25)
                                .setUnit("load")
                                .setKind(MetricKind.GAUGE)
                                .setTimestamp(T0)
                                .build(),
                        MetricSample.newBuilder()
                                .setCategory("disk")
                                .setName("read_bytes")
                                .setLabels(Map.of("device", "nvme0n1", "mount", "/"))
                                .setValue(1.5e12)
                                .setUnit("bytes")
                                .setKind(MetricKind.COUNTER)
                                .setTimestamp(T0.plusMillis(3))
                                .build()))
                .build();
    }

    static MetricBatch minimalMetricBatch() {
        return MetricBatch.newBuilder()
                .setNodeId("n")
                .setNodeName("")
                .setCollectedAt(Instant.EPOCH)
                .setSequence(0L)
                .build();
    }

    static MetricRollup fullMetricRollup() {
        return MetricRollup.newBuilder()
                .setNodeId("node-7f3a")
                .setSeries(MetricSeries.newBuilder()
                        .setCategory("disk")
                        .setName("read_bytes")
                        .setLabels(Map.of("device", "nvme0n1"))
                        .setUnit("bytes")
                        .setKind(MetricKind.COUNTER)
                        .build())
                .setTier(RollupTier.HOURLY)
                .setBucketStart(Instant.parse("2026-03-01T12:00:00Z"))
                .setBucketEnd(Instant.parse("2026-03-01T13:00:00Z"))
                .setCount(359L)
                .setSum(1.0e9)
                .setMin(-0.5)
                .setMax(Double.MAX_VALUE)
                .setFirst(10.0)
                .setLast(20.0)
                .setIncrease(4096.0)
                .setSketch(ByteBuffer.wrap(new byte[] {0x0a, 0x09, 0x11, 0x7b, 0x14}))
                .setRevision(3)
                .setSamplesExpected(360L)
                .build();
    }

    static MetricRollup minimalMetricRollup() {
        return MetricRollup.newBuilder()
                .setNodeId("n")
                .setSeries(MetricSeries.newBuilder()
                        .setCategory("c")
                        .setName("m")
                        .setKind(MetricKind.GAUGE)
                        .build())
                .setTier(RollupTier.DAILY)
                .setBucketStart(Instant.EPOCH)
                .setBucketEnd(Instant.EPOCH.plusSeconds(86_400))
                .setCount(0L)
                .setSum(0.0)
                .setMin(0.0)
                .setMax(0.0)
                .setFirst(0.0)
                .setLast(0.0)
                .setSketch(ByteBuffer.allocate(0))
                .setRevision(1)
                .build();
    }

    static NodeInventory fullNodeInventory() {
        return NodeInventory.newBuilder()
                .setNodeId("node-7f3a")
                .setCollectedAt(T0)
                .setContentHash(HASH)
                .setNode(SystemNode.newBuilder()
                        .setNodeName("db-primary-1")
                        .setNodeRole("primary")
                        .setModelName("Mac Studio")
                        .setModelIdentifier("Mac15,14")
                        .setSerialNumber("C02XYZ")
                        .setHardwareUuid("6F9619FF-8B86-D011-B42D-00C04FC964FF")
                        .setCpuModel("Apple M2 Ultra")
                        .setCpuArchitecture("aarch64")
                        .setCpuCoresTotal(24)
                        .setCpuCoresPerformance(16)
                        .setCpuCoresEfficiency(8)
                        .setGpuModel("Apple M2 Ultra GPU")
                        .setGpuCores(76)
                        .setRamGb(192.0)
                        .setStorageInternalTb(8.0)
                        .setOsName("macOS")
                        .setOsVersion("15.3")
                        .setOsBuild("24D60")
                        .setKernelVersion("Darwin 24.3.0")
                        .setStatus("active")
                        .setMetadata(Map.of("rack", "r1"))
                        .build())
                .setInterfaces(List.of(NodeNetworkInterface.newBuilder()
                        .setInterfaceName("en0")
                        .setInterfaceType("ethernet")
                        .setMacAddress("a4:83:e7:01:02:03")
                        .setIpv4Address("10.0.0.5")
                        .setIpv4Netmask("255.255.255.0")
                        .setIpv4Gateway("10.0.0.1")
                        .setIpv6Address("fe80::1")
                        .setConnectionSpeedMbps(10_000L)
                        .setIsPrimary(true)
                        .setIsActive(true)
                        .build()))
                .setSoftware(List.of(NodeSoftware.newBuilder()
                        .setSoftwareName("postgresql")
                        .setSoftwareVersion("18.1")
                        .setSoftwareArchitecture("arm64")
                        .setRuntimeMode("native")
                        .setInstallPath("/opt/homebrew/opt/postgresql@18")
                        .setIsActive(true)
                        .setInstalledAt(T0.minusSeconds(86_400))
                        .build()))
                .setServices(List.of(NodeService.newBuilder()
                        .setServiceName("postgresql")
                        .setServiceType("database")
                        .setProcessId(812)
                        .setPort(5432)
                        .setBindAddress("0.0.0.0")
                        .setExecutablePath("/opt/homebrew/opt/postgresql@18/bin/postgres")
                        .setStatus("running")
                        .setStartedAt(T0.minusSeconds(3600))
                        .setUptimeSeconds(3600L)
                        .build()))
                .setDocumentationFiles(List.of(DocumentationFile.newBuilder()
                        .setFileName("README.md")
                        .setFilePath("/srv/docs/README.md")
                        .setFileSizeBytes(2048L)
                        .setFileHash(HASH)
                        .setCategory("runbook")
                        .setIsLatest(true)
                        .setModifiedAt(T0.minusSeconds(60))
                        .build()))
                .build();
    }

    static NodeInventory minimalNodeInventory() {
        return NodeInventory.newBuilder()
                .setNodeId("n")
                .setCollectedAt(Instant.EPOCH)
                .setContentHash(HASH)
                .setNode(SystemNode.newBuilder().setNodeName("n").build())
                .build();
    }

    static PostgresState fullPostgresState() {
        return PostgresState.newBuilder()
                .setNodeId("node-7f3a")
                .setInstance("db-primary-1:5432")
                .setCollectedAt(T0)
                .setContentHash(HASH)
                .setServerVersion("18.1")
                .setServerVersionNum(180001)
                .setInRecovery(false)
                .setSettings(List.of(PostgresSetting.newBuilder()
                        .setSettingName("shared_buffers")
                        .setSettingValue("16384")
                        .setSettingUnit("8kB")
                        .setSettingCategory("Resource Usage / Memory")
                        .setSettingShortDesc("Sets the number of shared memory buffers used by the server.")
                        .setContext("postmaster")
                        .setSource("configuration file")
                        .setRequiresRestart(true)
                        .setPendingValue("32768")
                        .build()))
                .setReplicationLinks(List.of(ReplicationLink.newBuilder()
                        .setApplicationName("db-replica-1")
                        .setClientAddress("10.0.0.6")
                        .setClientHostname("db-replica-1.local")
                        .setState("streaming")
                        .setSyncState("async")
                        .setSlotName("replica_1")
                        .setSentLsn("0/3000148")
                        .setReplayLsn("0/3000060")
                        .setWriteLagBytes(0L)
                        .setFlushLagBytes(0L)
                        .setReplayLagBytes(232L)
                        .setWriteLagMs(1L)
                        .setFlushLagMs(2L)
                        .setReplayLagMs(3L)
                        .setReplyAt(T0.minusMillis(5))
                        .build()))
                .setReplicationSlots(List.of(ReplicationSlot.newBuilder()
                        .setSlotName("replica_1")
                        .setSlotType("physical")
                        .setActive(true)
                        .setActivePid(4242)
                        .setRestartLsn("0/3000060")
                        .setRetainedBytes(4096L)
                        .setWalStatus("reserved")
                        .build()))
                .setWalReceiver(WalReceiver.newBuilder()
                        .setStatus("streaming")
                        .setSenderHost("10.0.0.4")
                        .setSenderPort(5432)
                        .setSlotName("replica_1")
                        .setReceivedLsn("0/3000148")
                        .setLatestEndLsn("0/3000148")
                        .setLastMessageReceiptAt(T0)
                        .setReplayLagBytes(0L)
                        .setReplayLagMs(0L)
                        .build())
                .setSchemaObjects(List.of(DatabaseSchemaEntry.newBuilder()
                        .setDatabaseName("app")
                        .setSchemaName("public")
                        .setTableName("orders")
                        .setColumnName("customer_id")
                        .setDataType("bigint")
                        .setIsNullable(false)
                        .setColumnDefault(null)
                        .setIsPrimaryKey(false)
                        .setForeignKeyTable("public.customers")
                        .setForeignKeyColumn("id")
                        .setIndexName("orders_customer_id_idx")
                        .setIndexType("btree")
                        .setIndexDefinition(
                                "CREATE INDEX orders_customer_id_idx ON public.orders USING btree (customer_id)")
                        .setTableSizeBytes(8192L)
                        .setIndexSizeBytes(16384L)
                        .build()))
                .build();
    }

    static PostgresState minimalPostgresState() {
        return PostgresState.newBuilder()
                .setNodeId("n")
                .setInstance("localhost:5432")
                .setCollectedAt(Instant.EPOCH)
                .setContentHash(HASH)
                .setServerVersion("15.0")
                .build();
    }

    static ChangeEvent fullChangeEvent() {
        return ChangeEvent.newBuilder()
                .setEventId("3f1c2a9e-5b7d-4c1e-9a0f-0123456789ab")
                .setNodeId("node-7f3a")
                .setChangeType(ChangeType.CONFIGURATION)
                .setChangeCategory("modified")
                .setTableAffected("postgresql_configuration")
                .setRecordKey("shared_buffers")
                .setChangeDescription("shared_buffers changed from 16384 to 32768")
                .setOldValue("{\"setting_value\":\"16384\"}")
                .setNewValue("{\"setting_value\":\"32768\"}")
                .setChangedBy("strata-streams")
                .setChangeReason("operator tuning")
                .setVerificationStatus("verified")
                .setDetectedAt(T0)
                .build();
    }

    static ChangeEvent minimalChangeEvent() {
        return ChangeEvent.newBuilder()
                .setEventId("e")
                .setNodeId("n")
                .setChangeType(ChangeType.NODE)
                .setTableAffected("system_nodes")
                .setChangeDescription("node registered")
                .setDetectedAt(Instant.EPOCH)
                .build();
    }
}
