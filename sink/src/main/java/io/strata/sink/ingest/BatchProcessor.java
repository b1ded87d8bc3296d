package io.strata.sink.ingest;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.serde.RecordDecodingException;
import io.strata.schemas.sketch.SketchProtobuf;
import io.strata.sink.copy.MetricSampleCopy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * One poll's records into PostgreSQL: decode, validate, dead-letter the bad ones, then one transaction that registers
 * new nodes and series, COPYs the raw samples, upserts rollups, writes state records and stores the next offset of
 * every partition of the batch (dead-lettered records included). Independent of the listener container, so that
 * the container's threads, a benchmark or a test can drive it alike.
 */
final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

    /** Dead letters sent in this process whose batch did not commit yet: not re-sent while the batch is retried. */
    private static final int MAX_REMEMBERED_DEAD_LETTERS = 100_000;

    /** Placeholder of a series array whose ids are not looked up yet. */
    private static final long[] NO_IDS = new long[0];

    private final IngestSettings settings;
    private final Jdbi jdbi;
    private final SeriesRegistry registry;
    private final RecordValidator validator;
    private final RawBatchDecoder rawDecoder;
    private final OffsetStore offsets;
    private final NodeSequences sequences;
    private final Map<String, StateTopic<?>> stateTopics;
    private final PartitionPreparer partitions;
    private final Clock clock;
    private final IngestStats stats;
    private final Set<String> sentDeadLetters = java.util.Collections.newSetFromMap(
            java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_REMEMBERED_DEAD_LETTERS;
                }
            }));

    BatchProcessor(
            IngestSettings settings,
            Jdbi jdbi,
            SeriesRegistry registry,
            Collection<StateTopic<?>> stateTopics,
            PartitionPreparer partitions,
            Clock clock,
            IngestStats stats) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.validator = new RecordValidator(settings.validation());
        this.rawDecoder = new RawBatchDecoder(validator);
        this.offsets = new OffsetStore(settings.groupId());
        this.sequences = new NodeSequences(settings.groupId());
        this.stateTopics = new HashMap<>();
        for (StateTopic<?> topic : stateTopics) {
            this.stateTopics.put(topic.topic(), topic);
        }
        this.partitions = Objects.requireNonNull(partitions, "partitions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    OffsetStore offsets() {
        return offsets;
    }

    NodeSequences sequences() {
        return sequences;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** A consumed record and what became of it. */
    private static final class Item {
        final int index;
        final ConsumerRecord<byte[], byte[]> record;
        Object value;
        DDSketch sketch;
        StateTopic<?> state;
        Rejection rejection;
        Throwable error;
        /** The series of a rollup: derived once, outside the transaction (a raw batch carries its own). */
        SeriesKey[] seriesKeys;

        Item(int index, ConsumerRecord<byte[], byte[]> record) {
            this.index = index;
            this.record = record;
        }

        boolean rejected() {
            return rejection != null;
        }
    }

    /**
     * Processes a batch. Bad records go to {@code deadLetter} (which must have sent them when it returns) before the
     * transaction commits.
     *
     * @throws DatabaseUnavailableException when the database failed for a reason that is no record's fault: nothing
     *     of this batch committed
     * @throws BatchListenerFailedException when PostgreSQL rejected the record at its index: the records before it
     *     committed, the record is to be retried and then dead-lettered
     * @throws OffsetStore.OffsetConflictException when another consumer committed these offsets first
     */
    void process(
            List<ConsumerRecord<byte[], byte[]>> records,
            BiConsumer<ConsumerRecord<byte[], byte[]>, Exception> deadLetter) {
        if (records.isEmpty()) {
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> unwritten = uncommitted(records);
        if (unwritten.isEmpty()) {
            return;
        }
        List<Item> items = prepare(unwritten, deadLetter, () -> {}, () -> true, Map.of()).items;
        try {
            store(items, ranges(items));
        } catch (OffsetStore.OffsetConflictException conflict) {
            throw conflict;
        } catch (RuntimeException e) {
            if (DatabaseErrors.isRecordFault(e)) {
                LOG.warn(
                        "A record of a batch of {} was rejected ({}); writing the batch record by record to find it",
                        items.size(),
                        e instanceof PoisonRecordException poison
                                ? poison.reason()
                                : "SQLState " + DatabaseErrors.sqlState(e));
                isolate(items);
            } else if (DatabaseErrors.isDatabaseError(e)) {
                stats.retried();
                LOG.warn(
                        "Database unavailable (SQLState {}: {}); batch of {} records not committed, retrying with backoff",
                        DatabaseErrors.sqlState(e),
                        DatabaseErrors.sqlException(e)
                                .map(Throwable::getMessage)
                                .orElse(e.getMessage()),
                        items.size());
                throw new DatabaseUnavailableException(
                        "Database failed (SQLState " + DatabaseErrors.sqlState(e) + "); batch of " + items.size()
                                + " records not committed: " + e.getMessage(),
                        e);
            } else {
                throw e;
            }
        }
        committed(items);
    }

    /**
     * The records not committed yet. A record isolation wrote after the one that failed is read again with it (the
     * error handler seeks back to the failed record): it is skipped, not dead-lettered as a replayed sequence.
     */
    private List<ConsumerRecord<byte[], byte[]>> uncommitted(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<TopicPartition> partitions = new HashSet<>();
        records.forEach(record -> partitions.add(new TopicPartition(record.topic(), record.partition())));
        Map<TopicPartition, Long> stored;
        try {
            stored = jdbi.withHandle(handle -> offsets.read(handle.getConnection(), partitions));
        } catch (SQLException | RuntimeException e) {
            stats.retried();
            throw new DatabaseUnavailableException("Cannot read the stored offsets", e);
        }
        List<ConsumerRecord<byte[], byte[]>> unwritten = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Long next = stored.get(new TopicPartition(record.topic(), record.partition()));
            if (next == null || record.offset() >= next) {
                unwritten.add(record);
            } else {
                LOG.debug("Skipping {}: committed already", describe(record));
            }
        }
        return unwritten.size() == records.size() ? records : unwritten;
    }

    /**
     * The first half of {@link #process}, without its transaction: decodes, validates and dead-letters. The database
     * is read only to look up the nodes of rollups, and {@code beforeDatabaseRead} runs first (a write behind must
     * have committed, so that the nodes it registers are seen); when it returns false nothing is dead-lettered and
     * this returns null. A raw batch not above its node's last sequence (stored, {@code inFlight}, or earlier in
     * these records) is a replay and is dead-lettered.
     *
     * @param deadLetter publishes a bad record; it may leave the acknowledgement to {@code awaitDeadLetters}
     * @param awaitDeadLetters returns when every dead letter published is acknowledged, or throws (they are then
     *     published again when the poll is retried)
     * @param inFlight the highest sequence per node of the poll whose transaction has not committed yet
     */
    Prepared prepare(
            List<ConsumerRecord<byte[], byte[]>> records,
            BiConsumer<ConsumerRecord<byte[], byte[]>, Exception> deadLetter,
            Runnable awaitDeadLetters,
            BooleanSupplier beforeDatabaseRead,
            Map<String, Long> inFlight) {
        Instant now = clock.instant();
        List<Item> items = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            items.add(decode(new Item(i, records.get(i)), now));
        }
        NodeSequences.Check replays = sequences.check(inFlight);
        if (!validate(items, now, beforeDatabaseRead, replays)) {
            return null;
        }
        for (Item item : items) {
            if (!item.rejected() && !(item.value instanceof RawBatch)) {
                item.seriesKeys = seriesKeys(item.value);
            }
        }
        List<Item> sent = new ArrayList<>();
        try {
            for (Item item : items) {
                if (item.rejected() && sendDeadLetter(item, deadLetter)) {
                    sent.add(item);
                }
            }
            awaitDeadLetters.run();
        } catch (RuntimeException e) {
            sent.forEach(item -> sentDeadLetters.remove(key(item.record)));
            stats.retried();
            LOG.warn(
                    "Cannot publish to the dead-letter topic ({}); nothing of the poll of {} records committed,"
                            + " retrying with backoff",
                    e.toString(),
                    items.size());
            throw new DeadLetterTopicUnavailableException(
                    "Cannot publish the dead letters of a poll of " + items.size() + " records; nothing committed", e);
        }
        sent.forEach(item -> stats.deadLettered(item.rejection.reason()));
        return new Prepared(items, ranges(items), Map.copyOf(replays.accepted()));
    }

    /**
     * The second half of {@link #process}: one transaction with the rows and offsets of {@code batch}. Any failure is
     * thrown as is (nothing committed); the caller then processes the same records again with {@link #process}.
     *
     * @throws OffsetStore.OffsetConflictException when another consumer committed these offsets first
     */
    void write(Prepared batch) {
        store(batch.items, batch.ranges);
        committed(batch.items);
    }

    /** A poll decoded, validated and dead-lettered by {@link #prepare}, ready for {@link #write}. */
    static final class Prepared {
        private final List<Item> items;
        private final Map<TopicPartition, OffsetStore.Range> ranges;
        private final Map<String, Long> sequences;

        private Prepared(List<Item> items, Map<TopicPartition, OffsetStore.Range> ranges, Map<String, Long> sequences) {
            this.items = items;
            this.ranges = ranges;
            this.sequences = sequences;
        }

        /** The highest sequence per node of the raw batches to be written. */
        Map<String, Long> sequences() {
            return sequences;
        }

        /** The offset range of each partition of the poll. */
        Map<TopicPartition, OffsetStore.Range> ranges() {
            return ranges;
        }

        /** Number of records. */
        int size() {
            return items.size();
        }
    }

    private void committed(List<Item> items) {
        for (Item item : items) {
            if (item.rejected()) {
                sentDeadLetters.remove(key(item.record));
            }
        }
    }

    /**
     * After a batch failed on a rejected value: one transaction per record, in record order, finds the failing ones
     * and commits every other record, except those after a failed one on its partition (each partition stays in
     * offset order). A rollup whose node is not registered yet waits, with the records after it on its partition,
     * until a record of the poll registered the node: written alone before it, the rollup would find no node.
     *
     * <p>The lowest failed record goes to the error handler, which reads it and the records after it again; those
     * already committed here are skipped then ({@link #process} drops records below the stored offsets). A failure
     * that is not the database's (a rejected value, a bug) is that record's failure, retried the configured number
     * of times and then dead-lettered: only an outage is retried without end.
     */
    private void isolate(List<Item> items) {
        Isolation isolation = new Isolation();
        for (Item item : items) {
            TopicPartition partition = partition(item);
            if (isolation.broken.contains(partition)) {
                continue; // read again after the failed record
            }
            if (isolation.held.contains(partition) || !nodeRegistered(item)) {
                isolation.waiting.add(item);
                isolation.held.add(partition);
                continue;
            }
            if (isolation.write(item)) {
                writeWaiting(isolation, false);
            }
        }
        // Rollups whose node no record of the poll registered: written now, they fail as their own records.
        writeWaiting(isolation, true);
        if (isolation.failed != null) {
            throw new BatchListenerFailedException(
                    (DatabaseErrors.isRecordFault(isolation.failure) ? "PostgreSQL rejected " : "Cannot write ")
                            + describe(isolation.failed.record) + " (SQLState "
                            + DatabaseErrors.sqlState(isolation.failure) + ")",
                    isolation.failure,
                    isolation.failed.record);
        }
    }

    /** The state of {@link #isolate}. */
    private final class Isolation {
        final List<Item> waiting = new ArrayList<>();
        /** Partitions with a waiting record: their later records wait too. */
        final Set<TopicPartition> held = new HashSet<>();
        /** Partitions with a failed record: their later records are not written. */
        final Set<TopicPartition> broken = new HashSet<>();

        Item failed;
        RuntimeException failure;

        /** Writes one record; false when it failed (it is noted, its partition broken). */
        boolean write(Item item) {
            RuntimeException error = isolated(item);
            if (error == null) {
                return true;
            }
            broken.add(partition(item));
            if (failed == null || item.index < failed.index) {
                failed = item;
                failure = error;
            }
            return false;
        }
    }

    /** Writes the waiting records that can go now, in order; {@code all}: every one. */
    private void writeWaiting(Isolation isolation, boolean all) {
        boolean progress = true;
        while (progress && !isolation.waiting.isEmpty()) {
            progress = false;
            Set<TopicPartition> blocked = new HashSet<>();
            for (java.util.Iterator<Item> it = isolation.waiting.iterator(); it.hasNext(); ) {
                Item item = it.next();
                TopicPartition partition = partition(item);
                if (isolation.broken.contains(partition)) {
                    it.remove();
                    continue;
                }
                if (blocked.contains(partition) || !(all || nodeRegistered(item))) {
                    blocked.add(partition);
                    continue;
                }
                it.remove();
                progress |= isolation.write(item);
            }
            isolation.held.retainAll(blocked);
        }
    }

    /** False for a rollup whose node is not known to be registered (committed). */
    private boolean nodeRegistered(Item item) {
        return !(item.value instanceof MetricRollup rollup) || registry.cachedNode(rollup.getNodeId()) != null;
    }

    /** One record in a transaction of its own; its failure unless the database is down, or null when committed. */
    private RuntimeException isolated(Item item) {
        try {
            store(
                    List.of(item),
                    Map.of(partition(item), new OffsetStore.Range(item.record.offset(), item.record.offset() + 1)));
            return null;
        } catch (OffsetStore.OffsetConflictException conflict) {
            throw conflict;
        } catch (RuntimeException e) {
            if (!DatabaseErrors.isRecordFault(e) && DatabaseErrors.isDatabaseError(e)) {
                stats.retried();
                throw new DatabaseUnavailableException("Database failed while isolating a rejected record", e);
            }
            LOG.warn("Writing {} alone failed: {}", describe(item.record), e.toString());
            return e;
        }
    }

    private static TopicPartition partition(Item item) {
        return new TopicPartition(item.record.topic(), item.record.partition());
    }

    private Item decode(Item item, Instant now) {
        String topic = item.record.topic();
        try {
            if (item.record.value() == null) {
                item.rejection = new Rejection("decode.null-value", "record has no value (a tombstone)");
            } else if (topic.equals(settings.rawTopic())) {
                RawBatch fast = rawDecoder.decode(item.record.value(), now);
                item.value = fast != null ? fast : AvroSerdes.metricBatch().deserialize(topic, item.record.value());
            } else if (topic.equals(settings.hourlyTopic()) || topic.equals(settings.dailyTopic())) {
                MetricRollup rollup = AvroSerdes.metricRollup().deserialize(topic, item.record.value());
                item.value = rollup;
            } else if (stateTopics.containsKey(topic)) {
                StateTopic<?> state = stateTopics.get(topic);
                item.state = state;
                item.value = state.serde().deserialize(topic, item.record.value());
            } else {
                item.rejection = new Rejection("error.unhandled-topic", "no writer for topic " + topic);
            }
        } catch (RecordDecodingException e) {
            RecordDecodingException located = e.withLocation(item.record.partition(), item.record.offset());
            item.rejection = new Rejection(located.reason().code(), located.getMessage());
            item.error = located;
        }
        return item;
    }

    private boolean validate(
            List<Item> items, Instant now, BooleanSupplier beforeDatabaseRead, NodeSequences.Check replays) {
        Set<String> knownNodes = new HashSet<>();
        Set<String> rollupNodes = new LinkedHashSet<>();
        for (Item item : items) {
            if (item.rejected()) {
                continue;
            }
            if (item.value instanceof MetricBatch batch) {
                validator.validate(batch, now).ifPresent(rejection -> item.rejection = rejection);
                if (!item.rejected()) {
                    item.value = RawBatch.of(batch);
                }
            }
            if (item.value instanceof RawBatch batch) {
                // In record order, so that of two copies in one poll the first is written.
                if (!replays.accept(batch.nodeId, batch.sequence)) {
                    item.rejection = new Rejection(
                            Rejection.DUPLICATE_SEQUENCE,
                            "sequence " + batch.sequence + " of node '" + batch.nodeId
                                    + "' is not above its last one written, " + replays.last(batch.nodeId));
                    continue;
                }
                knownNodes.add(batch.nodeId); // registered by this very transaction
            } else if (item.state != null) {
                validator.validateState(item.value).ifPresent(rejection -> item.rejection = rejection);
            } else if (item.value instanceof MetricRollup rollup) {
                if (registry.cachedNode(rollup.getNodeId()) != null) {
                    knownNodes.add(rollup.getNodeId());
                } else {
                    rollupNodes.add(rollup.getNodeId());
                }
            }
        }
        rollupNodes.removeAll(knownNodes);
        if (!rollupNodes.isEmpty()) {
            if (!beforeDatabaseRead.getAsBoolean()) {
                return false;
            }
            try {
                knownNodes.addAll(jdbi.withHandle(handle -> registry.findNodes(handle.getConnection(), rollupNodes))
                        .keySet());
            } catch (SQLException | RuntimeException e) {
                stats.retried();
                LOG.warn(
                        "Database unavailable while looking up nodes (SQLState {}); retrying with backoff",
                        DatabaseErrors.sqlState(e));
                throw new DatabaseUnavailableException("Cannot look up nodes", e);
            }
        }
        for (Item item : items) {
            if (!item.rejected() && item.value instanceof MetricRollup rollup) {
                validator
                        .validate(rollup, now, knownNodes::contains)
                        .ifPresent(rejection -> item.rejection = rejection);
                if (!item.rejected()) {
                    try {
                        item.sketch = SketchProtobuf.decode(RollupWriter.bytes(rollup.getSketch()));
                    } catch (IllegalArgumentException e) {
                        item.rejection = new Rejection(Rejection.BAD_SKETCH, e.getMessage());
                    }
                }
            }
        }
        return true;
    }

    /** Publishes a rejected record, unless this process did already; true when it was published now. */
    private boolean sendDeadLetter(Item item, BiConsumer<ConsumerRecord<byte[], byte[]>, Exception> deadLetter) {
        String key = key(item.record);
        if (sentDeadLetters.contains(key)) {
            return false; // sent already, while an earlier attempt of this batch failed on the database
        }
        PoisonRecordException error =
                new PoisonRecordException(item.rejection.reason(), item.rejection.message(), item.error);
        LOG.warn(
                "Dead-lettering {}: {} ({})", describe(item.record), item.rejection.reason(), item.rejection.message());
        deadLetter.accept(item.record, error);
        sentDeadLetters.add(key);
        return true;
    }

    private void store(List<Item> items, Map<TopicPartition, OffsetStore.Range> ranges) {
        SeriesRegistry.Pending pending = new SeriesRegistry.Pending();
        long[] counts = new long[3];
        Map<String, Long> lastSequences = lastSequences(items);
        jdbi.useTransaction(handle -> {
            Connection connection = handle.getConnection();
            try {
                writeRows(handle, connection, pending, items, counts);
                sequences.write(connection, lastSequences);
                offsets.write(connection, ranges);
            } catch (SQLException e) {
                throw new DatabaseSqlException(e);
            }
        });
        registry.committed(pending);
        sequences.committed(lastSequences);
        stats.committed(items.size(), counts[0], counts[1], counts[2]);
    }

    /** The highest sequence per node among the raw batches to be written. */
    private static Map<String, Long> lastSequences(List<Item> items) {
        Map<String, Long> last = new HashMap<>();
        for (Item item : items) {
            if (!item.rejected() && item.value instanceof RawBatch batch) {
                last.merge(batch.nodeId, batch.sequence, Math::max);
            }
        }
        return last;
    }

    private void writeRows(
            Handle handle, Connection connection, SeriesRegistry.Pending pending, List<Item> items, long[] counts)
            throws SQLException {
        // State first: an inventory record may create the node that the metrics of the same batch belong to.
        for (Item item : items) {
            if (!item.rejected() && item.state != null) {
                item.state.write(handle, item.value);
                counts[2]++;
            }
        }
        Map<String, Long> nodeIds = new HashMap<>();
        Set<String> rollupNodes = new HashSet<>();
        Map<SeriesKey, SeriesKey> seriesKeys = new LinkedHashMap<>();
        // Batches of one node usually share their series array: its ids are looked up once, and cached after commit.
        Map<SeriesKey[], long[]> layouts = new IdentityHashMap<>();
        for (Item item : items) {
            if (item.rejected() || item.state != null) {
                continue;
            }
            if (item.value instanceof RawBatch batch) {
                registerNode(connection, pending, nodeIds, batch);
                if (!layouts.containsKey(batch.seriesKeys)) {
                    long[] cached = registry.cachedLayout(batch.seriesKeys);
                    layouts.put(batch.seriesKeys, cached != null ? cached : NO_IDS);
                    if (cached == null) {
                        for (SeriesKey key : batch.seriesKeys) {
                            seriesKeys.putIfAbsent(key, key);
                        }
                    }
                }
            } else if (item.value instanceof MetricRollup rollup) {
                rollupNodes.add(rollup.getNodeId());
                seriesKeys.putIfAbsent(item.seriesKeys[0], item.seriesKeys[0]);
            }
        }
        rollupNodes.removeAll(nodeIds.keySet());
        if (!rollupNodes.isEmpty()) {
            nodeIds.putAll(registry.findNodes(connection, rollupNodes));
        }
        Map<SeriesKey, Long> seriesIds =
                seriesKeys.isEmpty() ? Map.of() : registry.resolve(connection, pending, seriesKeys.keySet(), nodeIds);

        List<RawBatch> rawBatches = new ArrayList<>();
        List<long[]> rawIds = new ArrayList<>();
        long minMicros = Long.MAX_VALUE;
        long maxMicros = Long.MIN_VALUE;
        Map<RollupTier, List<RollupWriter.Row>> rollups = new LinkedHashMap<>();
        Map<RollupTier, Instant[]> rollupRange = new HashMap<>();
        for (Item item : items) {
            if (item.rejected()) {
                continue;
            }
            if (item.value instanceof RawBatch batch) {
                long[] ids = layouts.get(batch.seriesKeys);
                if (ids == NO_IDS) {
                    ids = ids(batch.seriesKeys, seriesIds);
                    layouts.put(batch.seriesKeys, ids);
                    pending.layout(batch.seriesKeys, ids);
                }
                minMicros = Math.min(minMicros, min(batch.epochMicros));
                maxMicros = Math.max(maxMicros, max(batch.epochMicros));
                if (ids.length > 0) {
                    rawBatches.add(batch);
                    rawIds.add(ids);
                }
            } else if (item.value instanceof MetricRollup rollup) {
                long seriesId = seriesIds.get(item.seriesKeys[0]);
                rollups.computeIfAbsent(rollup.getTier(), tier -> new ArrayList<>())
                        .add(new RollupWriter.Row(seriesId, rollup, item.sketch));
                Instant[] range = rollupRange.computeIfAbsent(
                        rollup.getTier(), tier -> new Instant[] {rollup.getBucketStart(), rollup.getBucketStart()});
                if (rollup.getBucketStart().isBefore(range[0])) {
                    range[0] = rollup.getBucketStart();
                }
                if (rollup.getBucketStart().isAfter(range[1])) {
                    range[1] = rollup.getBucketStart();
                }
            }
        }
        if (!rawBatches.isEmpty()) {
            partitions.prepare(handle, "metric_samples", micros(minMicros), micros(maxMicros));
            counts[0] += copy(connection, rawBatches, rawIds);
        }
        for (Map.Entry<RollupTier, List<RollupWriter.Row>> tier : rollups.entrySet()) {
            Instant[] range = rollupRange.get(tier.getKey());
            partitions.prepare(handle, RollupWriter.table(tier.getKey()), range[0], range[1]);
            RollupWriter.upsert(connection, tier.getKey(), tier.getValue());
            counts[1] += tier.getValue().size();
        }
    }

    private void registerNode(
            Connection connection, SeriesRegistry.Pending pending, Map<String, Long> nodeIds, RawBatch batch)
            throws SQLException {
        if (!nodeIds.containsKey(batch.nodeId)) {
            nodeIds.put(batch.nodeId, registry.registerNode(connection, pending, batch.nodeId, batch.nodeName));
        }
    }

    private static long[] ids(SeriesKey[] keys, Map<SeriesKey, Long> seriesIds) {
        long[] ids = new long[keys.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = seriesIds.get(keys[i]);
        }
        return ids;
    }

    // Small loops of their own: they compile early and stay compiled, unlike one long method per poll.
    private static long min(long[] values) {
        long min = Long.MAX_VALUE;
        for (long value : values) {
            min = Math.min(min, value);
        }
        return min;
    }

    private static long max(long[] values) {
        long max = Long.MIN_VALUE;
        for (long value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    /** Streams the rows straight from each batch's arrays: PostgreSQL inserts while later batches are encoded. */
    private static long copy(Connection connection, List<RawBatch> batches, List<long[]> ids) throws SQLException {
        MetricSampleCopy copy = MetricSampleCopy.begin(connection);
        try {
            for (int b = 0; b < batches.size(); b++) {
                RawBatch batch = batches.get(b);
                copy.addAll(ids.get(b), batch.epochMicros, batch.values, batch.size());
            }
            return copy.finish();
        } catch (SQLException | RuntimeException e) {
            copy.cancel();
            throw e;
        }
    }

    private static Map<TopicPartition, OffsetStore.Range> ranges(List<Item> items) {
        Map<TopicPartition, OffsetStore.Range> ranges = new LinkedHashMap<>();
        for (Item item : items) {
            TopicPartition partition = new TopicPartition(item.record.topic(), item.record.partition());
            long offset = item.record.offset();
            ranges.merge(
                    partition,
                    new OffsetStore.Range(offset, offset + 1),
                    (a, b) -> new OffsetStore.Range(Math.min(a.first(), b.first()), Math.max(a.next(), b.next())));
        }
        return ranges;
    }

    private static SeriesKey[] seriesKeys(Object value) {
        if (value instanceof MetricRollup rollup) {
            return new SeriesKey[] {seriesKey(rollup.getNodeId(), rollup.getSeries())};
        }
        return new SeriesKey[0];
    }

    private static SeriesKey seriesKey(String nodeKey, MetricSeries series) {
        return seriesKey(
                nodeKey,
                series.getCategory(),
                series.getName(),
                series.getLabels(),
                series.getUnit(),
                series.getKind());
    }

    private static SeriesKey seriesKey(
            String nodeKey, String category, String name, Map<String, String> labels, String unit, MetricKind kind) {
        return SeriesKey.of(nodeKey, category, name, labels, unit, kind);
    }

    private static Instant micros(long epochMicros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000);
    }

    private static String key(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    static String describe(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** A checked SQLException carried through Jdbi's callback. */
    static final class DatabaseSqlException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DatabaseSqlException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
