package io.strata.streams.rollup;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The stored state of one hourly bucket of one series: what identifies the series, the node's collection interval
 * (for completeness), the revision last emitted (0 = never) and the {@link BucketAccumulator}.
 */
final class HourlyBucket {
    private static final int VERSION = 1;

    private final String nodeId;
    private final String category;
    private final String name;
    private final SortedMap<String, String> labels;
    private final String unit;
    private long intervalMs;
    private int revision;
    private final BucketAccumulator accumulator;

    HourlyBucket(
            String nodeId,
            String category,
            String name,
            SortedMap<String, String> labels,
            String unit,
            long intervalMs,
            int revision,
            BucketAccumulator accumulator) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.category = Objects.requireNonNull(category, "category");
        this.name = Objects.requireNonNull(name, "name");
        this.labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        this.unit = unit;
        this.intervalMs = intervalMs;
        this.revision = revision;
        this.accumulator = Objects.requireNonNull(accumulator, "accumulator");
    }

    /** The Serde of the state store: the compact binary form of {@link #encode()}. */
    static Serde<HourlyBucket> serde() {
        return Serdes.serdeFrom(
                (topic, bucket) -> bucket == null ? null : bucket.encode(),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    String nodeId() {
        return nodeId;
    }

    String category() {
        return category;
    }

    String name() {
        return name;
    }

    Map<String, String> labels() {
        return labels;
    }

    String unit() {
        return unit;
    }

    /** The node's collection interval in milliseconds as last reported; 0 when unknown. */
    long intervalMs() {
        return intervalMs;
    }

    void intervalMs(long value) {
        intervalMs = value;
    }

    /** The revision last emitted; 0 while never emitted. */
    int revision() {
        return revision;
    }

    void revision(int value) {
        revision = value;
    }

    BucketAccumulator accumulator() {
        return accumulator;
    }

    byte[] encode() {
        byte[] state = accumulator.encode();
        StateWriter writer = new StateWriter(64 + state.length);
        writer.writeByte(VERSION);
        writer.writeString(nodeId).writeString(category).writeString(name).writeVarLong(labels.size());
        for (Map.Entry<String, String> label : labels.entrySet()) {
            writer.writeString(label.getKey()).writeString(label.getValue());
        }
        writer.writeByte(unit == null ? 0 : 1);
        if (unit != null) {
            writer.writeString(unit);
        }
        writer.writeVarLong(intervalMs).writeVarLong(revision).writeBytes(state);
        return writer.toByteArray();
    }

    static HourlyBucket decode(byte[] bytes) {
        StateReader reader = new StateReader(bytes);
        int version = reader.readByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown hourly bucket state version " + version);
        }
        String nodeId = reader.readString();
        String category = reader.readString();
        String name = reader.readString();
        long labelCount = reader.readVarLong();
        SortedMap<String, String> labels = new TreeMap<>();
        for (long i = 0; i < labelCount; i++) {
            labels.put(reader.readString(), reader.readString());
        }
        String unit = reader.readByte() == 0 ? null : reader.readString();
        long intervalMs = reader.readVarLong();
        int revision = (int) reader.readVarLong();
        BucketAccumulator accumulator = BucketAccumulator.decode(reader.readBytes());
        return new HourlyBucket(nodeId, category, name, labels, unit, intervalMs, revision, accumulator);
    }
}
