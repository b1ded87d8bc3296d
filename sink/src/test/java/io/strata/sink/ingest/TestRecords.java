package io.strata.sink.ingest;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.avro.SystemNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of the records the sink consumes, for tests. */
final class TestRecords {

    private TestRecords() {}

    static MetricSample sample(String name, Map<String, String> labels, double value, Instant at) {
        return MetricSample.newBuilder()
                .setCategory("cpu")
                .setName(name)
                .setLabels(labels)
                .setValue(value)
                .setUnit("percent")
                .setKind(MetricKind.GAUGE)
                .setTimestamp(at)
                .build();
    }

    static MetricBatch batch(String nodeId, long sequence, Instant at, List<MetricSample> samples) {
        return MetricBatch.newBuilder()
                .setNodeId(nodeId)
                .setNodeName("name-" + nodeId)
                .setCollectedAt(at)
                .setSequence(sequence)
                .setIntervalMs(10_000L)
                .setSamples(samples)
                .build();
    }

    /** A batch of {@code count} samples of series {@code s0..s<count-1>}, values {@code sequence + i/4}. */
    static MetricBatch batch(String nodeId, long sequence, Instant at, int count) {
        List<MetricSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(sample("s" + i, Map.of("core", Integer.toString(i % 4)), value(sequence, i), at));
        }
        return batch(nodeId, sequence, at, samples);
    }

    static double value(long sequence, int index) {
        return sequence + index / 4.0;
    }

    static NodeInventory inventory(String nodeId, String nodeName, Instant at) {
        return NodeInventory.newBuilder()
                .setNodeId(nodeId)
                .setCollectedAt(at)
                .setContentHash("hash-" + nodeId + "-" + at.toEpochMilli())
                .setNode(SystemNode.newBuilder()
                        .setNodeName(nodeName)
                        .setNodeRole("primary")
                        .setOsName("Linux")
                        .setMetadata(Map.of())
                        .build())
                .setInterfaces(List.of())
                .setSoftware(List.of())
                .setServices(List.of())
                .setDocumentationFiles(List.of())
                .build();
    }

    static PostgresState postgresState(String nodeId, Instant at, String sharedBuffers) {
        return PostgresState.newBuilder()
                .setNodeId(nodeId)
                .setInstance("127.0.0.1:5432")
                .setCollectedAt(at)
                .setContentHash("state-" + nodeId + "-" + at.toEpochMilli())
                .setServerVersion("18.1")
                .setServerVersionNum(180001)
                .setInRecovery(false)
                .setSettings(List.of(PostgresSetting.newBuilder()
                        .setSettingName("shared_buffers")
                        .setSettingValue(sharedBuffers)
                        .setSettingUnit("8kB")
                        .setSettingCategory("Resource Usage")
                        .setContext("postmaster")
                        .setSource("configuration file")
                        .setRequiresRestart(false)
                        .setPendingValue(null)
                        .build()))
                .setReplicationLinks(List.of())
                .setReplicationSlots(List.of())
                .setSchemaObjects(List.of())
                .build();
    }

    static ChangeEvent change(String eventId, String nodeId, String description) {
        return ChangeEvent.newBuilder()
                .setEventId(eventId)
                .setNodeId(nodeId)
                .setChangeType(ChangeType.CONFIGURATION)
                .setChangeCategory("modified")
                .setTableAffected("postgresql_configuration")
                .setRecordKey("shared_buffers")
                .setChangeDescription(description)
                .setOldValue("{\"value\": \"16384\"}")
                .setNewValue("{\"value\": \"32768\"}")
                .setChangedBy("strata-streams")
                .setDetectedAt(Instant.now())
                .build();
    }

    static MetricRollup rollup(String nodeId, Instant bucketStart, int revision, double... values) {
        DDSketch sketch = DDSketch.balanced(0.01);
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            sketch.accept(value);
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return MetricRollup.newBuilder()
                .setNodeId(nodeId)
                .setSeries(MetricSeries.newBuilder()
                        .setCategory("cpu")
                        .setName("s0")
                        .setLabels(Map.of("core", "0"))
                        .setUnit("percent")
                        .setKind(MetricKind.GAUGE)
                        .build())
                .setTier(RollupTier.HOURLY)
                .setBucketStart(bucketStart)
                .setBucketEnd(bucketStart.plus(Duration.ofHours(1)))
                .setCount(values.length)
                .setSum(sum)
                .setMin(min)
                .setMax(max)
                .setFirst(values[0])
                .setLast(values[values.length - 1])
                .setIncrease(null)
                .setSketch(sketch.serialize())
                .setRevision(revision)
                .setSamplesExpected(360L)
                .build();
    }
}
