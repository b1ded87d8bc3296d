package io.strata.streams.changes;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.serde.RecordDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last state record of each node (or node and instance) and forwards the change events between it and the
 * next one. Undecodable records go to the dead-letter sink with the reason and are counted; a record older than the
 * one kept (a replay of a compacted topic) changes nothing.
 */
final class ChangeDetectionProcessor<S extends SpecificRecord> implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeDetectionProcessor.class);

    private final Kind<S> kind;
    private final String storeName;
    private final String changesChild;
    private final String deadLetterChild;
    private final ChangeDetector detector = new ChangeDetector();

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> lastStates;
    private Sensor deadLetters;

    ChangeDetectionProcessor(Kind<S> kind, String storeName, String changesChild, String deadLetterChild) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.changesChild = Objects.requireNonNull(changesChild, "changesChild");
        this.deadLetterChild = Objects.requireNonNull(deadLetterChild, "deadLetterChild");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.lastStates = context.getStateStore(storeName);
        this.deadLetters = context.metrics()
                .addRateTotalSensor(
                        "strata", "change-detection-" + kind.name(), "dead-letter", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // A tombstone on a compacted state topic: nothing was collected, nothing changed.
        }
        S current;
        try {
            current = kind.serde.deserialize(sourceTopic(), record.value());
        } catch (RecordDecodingException e) {
            deadLetter(record, e);
            return;
        }
        String stateKey = kind.stateKey.apply(current);
        byte[] previousBytes = lastStates.get(stateKey);
        S previous = previousBytes == null ? null : kind.serde.deserialize(storeName, previousBytes);
        if (previous != null && kind.collectedAt.apply(current).isBefore(kind.collectedAt.apply(previous))) {
            LOG.debug(
                    "Ignoring {} state of {} collected at {}: older than the one kept",
                    kind.name(),
                    stateKey,
                    kind.collectedAt.apply(current));
            return;
        }
        if (previous != null && kind.contentHash.apply(previous).equals(kind.contentHash.apply(current))) {
            return;
        }
        List<ChangeEvent> events = kind.diff.apply(detector, previous, current);
        byte[] nodeKey = kind.nodeId.apply(current).getBytes(StandardCharsets.UTF_8);
        for (ChangeEvent event : events) {
            context.forward(
                    new Record<>(nodeKey, AvroSerdes.changeEvent().serialize(event), record.timestamp()), changesChild);
        }
        lastStates.put(stateKey, record.value());
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordDecodingException error) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        String topic = metadata == null ? kind.name() : metadata.topic();
        int partition = metadata == null ? -1 : metadata.partition();
        long offset = metadata == null ? -1 : metadata.offset();
        LOG.warn(
                "Dead-lettering undecodable record from {}-{} at offset {}: {}",
                topic,
                partition,
                offset,
                error.getMessage());
        deadLetters.record();
        context.forward(
                new Record<>(
                        record.key(),
                        record.value(),
                        record.timestamp(),
                        DeadLetters.headers(
                                DeadLetterHeaders.SOURCE_STREAMS,
                                topic,
                                partition,
                                offset,
                                record.timestamp(),
                                DeadLetters.reasonCode(error),
                                error)),
                deadLetterChild);
    }

    private String sourceTopic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(kind.name());
    }

    /** What differs between the two kinds of state record this processor handles. */
    record Kind<S extends SpecificRecord>(
            String name,
            AvroSerde<S> serde,
            Function<S, String> nodeId,
            Function<S, String> stateKey,
            Function<S, Instant> collectedAt,
            Function<S, String> contentHash,
            Diff<S> diff) {}

    /** The detector method for one kind. */
    @FunctionalInterface
    interface Diff<S> {
        List<ChangeEvent> apply(ChangeDetector detector, S previous, S current);
    }
}
