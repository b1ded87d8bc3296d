package io.strata.streams.rollup;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.validate.BatchValidator;
import io.strata.schemas.validate.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls raw {@code MetricBatch} records up into hourly and daily {@code MetricRollup}s, within one stream task (the
 * input is keyed by node, so every series of a node is in one task and nothing is repartitioned).
 *
 * <p><b>Time.</b> Buckets are on UTC boundaries of the samples' own timestamps; a sample at exactly hh:00:00.000
 * opens the new hour. The processor keeps its own event-time clock, the largest sample timestamp it has seen
 * (persisted in a store, because Kafka Streams' stream time follows the records' Kafka timestamps, which are broker
 * append times on Strata's topics). Buckets close against the <em>effective time</em>:
 *
 * <pre>effective = max(eventTime, min(wallClock, eventTime + (wallClock - wallClockAtLastRecord)))</pre>
 *
 * <p>(and never less than it was before).
 *
 * <p>While records flow, the effective time is the event time, so a backlog being caught up (wall clock far ahead of
 * the data) does not close buckets before their samples are read. When the task receives nothing, the effective
 * time advances with the wall clock from the last event time, never beyond the wall clock itself, so the buckets of
 * nodes that went quiet still close. The same check runs on a stream-time and on a wall-clock punctuation.
 *
 * <p><b>Hourly.</b> A bucket is emitted (revision 1) once {@code effective >= end + hourly grace}; a sample inside
 * grace is simply included. A sample for a bucket already emitted (within the hourly retention) updates it and marks
 * it pending; the next punctuation emits the corrected bucket with revision + 1 (one correction per punctuation
 * however many late samples arrived). A sample whose bucket ended more than the hourly retention ago is counted and
 * logged, not rolled up. Emitted counter buckets are compacted (see {@link BucketAccumulator}).
 *
 * <p><b>Daily.</b> Each emitted hourly bucket marks its day pending. A day is emitted once {@code effective >= day
 * end + daily grace}, merged in time order from the hourly buckets in the hourly store, which always hold the latest
 * revision of each hour (so no second copy of the hours is kept); a day marked again after it was emitted is emitted
 * again with revision + 1.
 *
 * <p><b>Replays.</b> A batch whose {@code sequence} is not above the last one taken for its node id is a replay (a
 * probe's spool re-sending after a lost ack, a restarted load generator regenerating history): it is skipped, counted
 * ({@code replayed-batches-total}) and logged at DEBUG, but not dead-lettered (the sink dead-letters it as {@code
 * invalid.duplicate-sequence}, and one dead letter per bad input is enough). An invalid batch is taken too (its
 * sequence advances the node's): a replay of it is then skipped instead of being dead-lettered again.
 *
 * <p><b>Poison records.</b> A record that does not decode as a {@code MetricBatch}, or that is invalid (a sample
 * that is not finite, stamped before the epoch or too far in the future, or a node or series outside {@link
 * RollupSettings#seriesBounds()}: the sink's checks, with the same {@code invalid.*} reason codes), goes to the
 * dead-letter topic with the original key, value and headers plus Strata's {@code strata.dlt.*} headers, and is
 * counted. The series bounds matter here: the hourly store keeps a series' labels in its key and value, and one
 * oversized label would make a changelog record Kafka refuses, which stops the application on every restart.
 */
final class RollupProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(RollupProcessor.class);

    static final long HOUR_MS = Duration.ofHours(1).toMillis();
    static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final String CLOCK_KEY = "event-time";
    private static final byte[] PRESENT = new byte[0];

    private final RollupSettings settings;
    private final AvroSerde<MetricBatch> batches = AvroSerdes.metricBatch();
    private final AvroSerde<MetricRollup> rollups = AvroSerdes.metricRollup();
    private final long hourlyGraceMs;
    private final long dailyGraceMs;
    private final long hourlyRetentionMs;
    private final BatchValidator validator;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, HourlyBucket> hourly; // hands out cached instances: see WriteBackBucketStore
    private KeyValueStore<Bytes, byte[]> hourlyPending;
    private KeyValueStore<Bytes, Integer> dailyRevisions;
    private KeyValueStore<Bytes, byte[]> dailyPending;
    private KeyValueStore<String, Long> clock;
    private KeyValueStore<String, Long> sequences;
    private RollupMetrics metrics;
    private long eventTime = Long.MIN_VALUE;
    private long wallClockAtLastRecord;
    private long effectiveHighWater = Long.MIN_VALUE;

    RollupProcessor(RollupSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hourlyGraceMs = settings.retention().hourlyGrace().toMillis();
        this.dailyGraceMs = settings.retention().dailyGrace().toMillis();
        this.hourlyRetentionMs = settings.retention().hourly().toMillis();
        this.validator = new BatchValidator(settings.seriesBounds());
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        hourly = context.getStateStore(RollupTopology.HOURLY_STORE);
        hourlyPending = context.getStateStore(RollupTopology.HOURLY_PENDING_STORE);
        dailyRevisions = context.getStateStore(RollupTopology.DAILY_STORE);
        dailyPending = context.getStateStore(RollupTopology.DAILY_PENDING_STORE);
        clock = context.getStateStore(RollupTopology.CLOCK_STORE);
        sequences = context.getStateStore(RollupTopology.SEQUENCE_STORE);
        metrics = new RollupMetrics(context.metrics(), context.taskId().toString());
        Long stored = clock.get(CLOCK_KEY);
        eventTime = stored == null ? Long.MIN_VALUE : stored;
        wallClockAtLastRecord = context.currentSystemTimeMs();
        context.schedule(settings.punctuateInterval(), PunctuationType.STREAM_TIME, this::punctuate);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        MetricBatch batch;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("empty record (null value)");
            }
            batch = batches.deserialize(topic(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, DeadLetters.reasonCode(e), e);
            return;
        }
        if (isReplay(batch)) {
            return;
        }
        long wallClock = context.currentSystemTimeMs();
        // Before the epoch is too old for any bucket key; the hourly retention is applied per sample below, not here.
        Optional<Violation> problem = validator.validate(
                batch, Instant.EPOCH, Instant.ofEpochMilli(wallClock).plus(settings.maxFutureSkew()));
        if (problem.isPresent()) {
            deadLetter(
                    record,
                    problem.get().reason(),
                    new IllegalArgumentException(problem.get().message()));
            return;
        }
        wallClockAtLastRecord = wallClock;
        long now = effectiveTime(wallClock);
        long retentionHorizon = now == Long.MIN_VALUE ? Long.MIN_VALUE : now - hourlyRetentionMs;
        long intervalMs = batch.getIntervalMs() == null ? 0 : Math.max(0, batch.getIntervalMs());
        long newest = eventTime;
        int beyondRetention = 0;
        for (MetricSample sample : batch.getSamples()) {
            long timestamp = sample.getTimestamp().toEpochMilli();
            newest = Math.max(newest, timestamp);
            long start = Math.floorDiv(timestamp, HOUR_MS) * HOUR_MS;
            if (start + HOUR_MS <= retentionHorizon) {
                beyondRetention++;
                continue;
            }
            add(batch.getNodeId(), sample, start, timestamp, intervalMs);
        }
        if (beyondRetention > 0) {
            metrics.beyondRetention.record(beyondRetention);
            LOG.warn(
                    "Ignored {} samples of node {} older than the hourly retention {} (batch sequence {}, {}"
                            + " partition {} offset {})",
                    beyondRetention,
                    batch.getNodeId(),
                    settings.retention().hourly(),
                    batch.getSequence(),
                    topic(),
                    context.recordMetadata().map(RecordMetadata::partition).orElse(-1),
                    context.recordMetadata().map(RecordMetadata::offset).orElse(-1L));
        }
        if (newest > eventTime) {
            eventTime = newest;
            clock.put(CLOCK_KEY, eventTime);
        }
    }

    /** Whether the batch is a replay (then counted and logged); otherwise takes its sequence as the node's last. */
    private boolean isReplay(MetricBatch batch) {
        String nodeId = batch.getNodeId();
        Long last = sequences.get(nodeId);
        if (last != null && batch.getSequence() <= last) {
            metrics.replayedBatches.record();
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Skipped replayed batch of node {}: sequence {} is not above {} ({} partition {} offset {})",
                        nodeId,
                        batch.getSequence(),
                        last,
                        topic(),
                        context.recordMetadata().map(RecordMetadata::partition).orElse(-1),
                        context.recordMetadata().map(RecordMetadata::offset).orElse(-1L));
            }
            return true;
        }
        sequences.put(nodeId, batch.getSequence());
        return false;
    }

    private void add(String nodeId, MetricSample sample, long start, long timestamp, long intervalMs) {
        SortedMap<String, String> labels = new TreeMap<>(sample.getLabels());
        byte[] suffix = BucketKeys.seriesSuffix(nodeId, sample.getCategory(), sample.getName(), labels);
        Bytes key = BucketKeys.key(start, suffix);
        HourlyBucket bucket = hourly.get(key);
        if (bucket == null) {
            bucket = new HourlyBucket(
                    nodeId,
                    sample.getCategory(),
                    sample.getName(),
                    labels,
                    sample.getUnit(),
                    intervalMs,
                    0,
                    BucketAccumulator.create(sample.getKind() == MetricKind.COUNTER, settings.relativeAccuracy()));
            hourlyPending.put(key, PRESENT);
        } else if (bucket.revision() > 0) {
            metrics.lateSamples.record();
            LOG.debug("Late sample for node {} {}.{} at {}", nodeId, sample.getCategory(), sample.getName(), timestamp);
            hourlyPending.put(key, PRESENT);
        }
        if (intervalMs > 0) {
            bucket.intervalMs(intervalMs);
        }
        if (!bucket.accumulator().add(timestamp, sample.getValue())) {
            metrics.inexactIncrease.record();
            LOG.warn(
                    "Late counter sample of node {} {}.{} at {} fell inside an emitted bucket: its increase is not"
                            + " adjusted",
                    nodeId,
                    sample.getCategory(),
                    sample.getName(),
                    Instant.ofEpochMilli(timestamp));
        }
        hourly.put(key, bucket);
    }

    /** See the class comment. {@link Long#MIN_VALUE} before any sample was seen. */
    private long effectiveTime(long wallClock) {
        if (eventTime == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long idle = Math.max(0, wallClock - wallClockAtLastRecord);
        // Never backwards: a record after a quiet spell resets the idle time, but what closed (or expired) stays so.
        effectiveHighWater = Math.max(effectiveHighWater, Math.max(eventTime, Math.min(wallClock, eventTime + idle)));
        return effectiveHighWater;
    }

    private void punctuate(long timestamp) {
        long now = effectiveTime(context.currentSystemTimeMs());
        if (now == Long.MIN_VALUE) {
            return;
        }
        emitHourly(now);
        emitDaily(now);
        expire(now);
    }

    private void emitHourly(long now) {
        long lastClosedStart = now - HOUR_MS - hourlyGraceMs;
        for (Bytes key : keysUpTo(hourlyPending, lastClosedStart)) {
            hourlyPending.delete(key);
            HourlyBucket bucket = hourly.get(key);
            if (bucket == null) {
                continue;
            }
            long start = BucketKeys.bucketStart(key);
            bucket.revision(bucket.revision() + 1);
            MetricRollup rollup = rollup(
                    bucket,
                    bucket.accumulator(),
                    RollupTier.HOURLY,
                    start,
                    HOUR_MS,
                    bucket.revision(),
                    bucket.intervalMs());
            bucket.accumulator().compact();
            hourly.put(key, bucket);
            forward(RollupTopology.HOURLY_SINK, rollup);
            metrics.hourlyEmitted.record();
            dailyPending.put(
                    BucketKeys.key(Math.floorDiv(start, DAY_MS) * DAY_MS, BucketKeys.seriesSuffix(key)), PRESENT);
        }
    }

    private void emitDaily(long now) {
        long lastClosedStart = now - DAY_MS - dailyGraceMs;
        for (Bytes dayKey : keysUpTo(dailyPending, lastClosedStart)) {
            dailyPending.delete(dayKey);
            long dayStart = BucketKeys.bucketStart(dayKey);
            byte[] suffix = BucketKeys.seriesSuffix(dayKey);
            HourlyBucket latest = null;
            BucketAccumulator merged = null;
            long intervalMs = 0;
            for (long hour = dayStart; hour < dayStart + DAY_MS; hour += HOUR_MS) {
                HourlyBucket bucket = hourly.get(BucketKeys.key(hour, suffix));
                if (bucket == null || bucket.accumulator().count() == 0) {
                    continue;
                }
                try {
                    // The store hands out its cached instances: merge into a copy, never into an hour.
                    merged = merged == null
                            ? BucketAccumulator.decode(bucket.accumulator().encode())
                            : merged.merge(bucket.accumulator());
                } catch (IllegalArgumentException e) {
                    // e.g. a series that changed from gauge to counter within the day: keep the day going.
                    LOG.error(
                            "Left hour {} of node {} {}.{} out of its daily rollup: {}",
                            Instant.ofEpochMilli(hour),
                            bucket.nodeId(),
                            bucket.category(),
                            bucket.name(),
                            e.getMessage(),
                            e);
                    continue;
                }
                latest = bucket;
                intervalMs = bucket.intervalMs() > 0 ? bucket.intervalMs() : intervalMs;
            }
            if (merged == null) {
                continue;
            }
            Integer previous = dailyRevisions.get(dayKey);
            int revision = previous == null ? 1 : previous + 1;
            dailyRevisions.put(dayKey, revision);
            forward(
                    RollupTopology.DAILY_SINK,
                    rollup(latest, merged, RollupTier.DAILY, dayStart, DAY_MS, revision, intervalMs));
            metrics.dailyEmitted.record();
        }
    }

    /** Drops what can no longer change: hourly buckets past the hourly retention, and days made only of those. */
    private void expire(long now) {
        long horizon = now - hourlyRetentionMs;
        for (Bytes key : keysUpTo(hourly, horizon - HOUR_MS)) {
            hourly.delete(key);
            hourlyPending.delete(key);
        }
        for (Bytes key : keysUpTo(dailyRevisions, horizon - DAY_MS)) {
            dailyRevisions.delete(key);
            dailyPending.delete(key);
        }
    }

    /** Keys whose bucket start is at most {@code lastStart}: a prefix of the store's order (see {@link BucketKeys}). */
    private static List<Bytes> keysUpTo(KeyValueStore<Bytes, ?> store, long lastStart) {
        List<Bytes> keys = new ArrayList<>();
        if (lastStart < 0) {
            return keys;
        }
        try (KeyValueIterator<Bytes, ?> iterator = store.all()) {
            while (iterator.hasNext()) {
                Bytes key = iterator.next().key;
                if (BucketKeys.bucketStart(key) > lastStart) {
                    break;
                }
                keys.add(key);
            }
        }
        return keys;
    }

    private MetricRollup rollup(
            HourlyBucket bucket,
            BucketAccumulator values,
            RollupTier tier,
            long start,
            long widthMs,
            int revision,
            long intervalMs) {
        MetricSeries series = MetricSeries.newBuilder()
                .setCategory(bucket.category())
                .setName(bucket.name())
                .setLabels(Map.copyOf(bucket.labels()))
                .setUnit(bucket.unit())
                .setKind(values.isCounter() ? MetricKind.COUNTER : MetricKind.GAUGE)
                .build();
        if (revision > 1) {
            metrics.correctionsEmitted.record();
        }
        return MetricRollup.newBuilder()
                .setNodeId(bucket.nodeId())
                .setSeries(series)
                .setTier(tier)
                .setBucketStart(Instant.ofEpochMilli(start))
                .setBucketEnd(Instant.ofEpochMilli(start + widthMs))
                .setCount(values.count())
                .setSum(values.sum())
                .setMin(values.min())
                .setMax(values.max())
                .setFirst(values.first())
                .setLast(values.last())
                .setIncrease(values.increase())
                .setSketch(ByteBuffer.wrap(Sketches.toProtobuf(values.sketch())))
                .setRevision(revision)
                .setSamplesExpected(intervalMs > 0 ? widthMs / intervalMs : null)
                .build();
    }

    private void forward(String sink, MetricRollup rollup) {
        byte[] key = rollup.getNodeId().getBytes(StandardCharsets.UTF_8);
        context.forward(
                new Record<>(
                        key, rollups.serialize(rollup), rollup.getBucketStart().toEpochMilli()),
                sink);
    }

    private void deadLetter(Record<byte[], byte[]> record, String reasonCode, Throwable error) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        String topic = metadata != null ? metadata.topic() : settings.rawTopic();
        int partition = metadata != null ? metadata.partition() : -1;
        long offset = metadata != null ? metadata.offset() : -1L;
        LOG.warn(
                "Dead-lettering record from {} partition {} offset {}: {} ({})",
                topic,
                partition,
                offset,
                reasonCode,
                error.getMessage());
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                headers.add(header);
            }
        }
        for (Header header : DeadLetters.headers(
                DeadLetterHeaders.SOURCE_STREAMS, topic, partition, offset, record.timestamp(), reasonCode, error)) {
            headers.add(header);
        }
        context.forward(
                new Record<>(record.key(), record.value(), record.timestamp(), headers),
                RollupTopology.DEADLETTER_SINK);
        metrics.deadLetters.record();
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(settings.rawTopic());
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
