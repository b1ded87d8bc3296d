package io.strata.streams.rollup;

import io.strata.schemas.config.StrataConfig;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The rollup topology: {@code strata.metrics.raw} ({@code MetricBatch}, key = node id) to {@code
 * strata.metrics.hourly} and {@code strata.metrics.daily} ({@code MetricRollup}, key = node id), undecodable or
 * invalid input to {@code strata.deadletter}. One sub-topology, no repartition topic: the input is keyed by node.
 *
 * <p><b>For downstream consumers</b> the rollup topics are upsert streams: the identity of a rollup is (node id,
 * series, tier, bucket start), and a record with a higher {@code revision} replaces the earlier one (a correction
 * after late samples). Under {@code exactly_once_v2} and {@code read_committed} each revision appears once.
 *
 * <p><b>State stores</b> (all RocksDB, cached, with compacted changelogs; keys sort by bucket start, see {@code
 * BucketKeys}):
 *
 * <ul>
 *   <li>{@value #HOURLY_STORE}: every hourly bucket (open and emitted) per (node, series, hour), kept for the hourly
 *       retention, because a late sample may correct it until then; emitted counter buckets are compacted to their
 *       boundary samples. A write-back cache of decoded buckets sits in front of it, flushed on every commit.
 *   <li>{@value #HOURLY_PENDING_STORE}: the hourly buckets still to be emitted (open, or corrected since).
 *   <li>{@value #DAILY_STORE}: the revision last emitted per (node, series, day), kept until all its hours are past
 *       the hourly retention (then nothing can correct the day any more): daily values are merged from the hourly
 *       store when emitted, so the hours are never stored twice.
 *   <li>{@value #DAILY_PENDING_STORE}: the days still to be emitted (their hours changed since).
 *   <li>{@value #CLOCK_STORE}: the task's event-time clock (largest sample timestamp seen).
 *   <li>{@value #SEQUENCE_STORE}: the last batch sequence taken per node id, so that a replayed batch (sequence not
 *       above it: a probe's spool re-sending after a lost ack, a restarted load generator) is skipped, not rolled up
 *       twice. Written in the same exactly-once transaction as the rollups, so it never runs ahead of them.
 * </ul>
 *
 * <p>Expired entries are deleted by the processor's punctuation, so the compacted changelogs shrink with them:
 * nothing is kept longer than it can still change.
 */
public final class RollupTopology {

    /** Source node reading the raw topic. */
    public static final String SOURCE = "raw-batches";
    /** The processor. */
    public static final String PROCESSOR = "rollups";
    /** Sink of hourly rollups. */
    public static final String HOURLY_SINK = "hourly-rollups";
    /** Sink of daily rollups. */
    public static final String DAILY_SINK = "daily-rollups";
    /** Sink of dead letters. */
    public static final String DEADLETTER_SINK = "dead-letters";

    /** Hourly buckets. */
    public static final String HOURLY_STORE = "rollup-hourly-buckets";
    /** Hourly buckets to emit. */
    public static final String HOURLY_PENDING_STORE = "rollup-hourly-pending";
    /** Daily revisions emitted. */
    public static final String DAILY_STORE = "rollup-daily-revisions";
    /** Days to emit. */
    public static final String DAILY_PENDING_STORE = "rollup-daily-pending";
    /** Event-time clock. */
    public static final String CLOCK_STORE = "rollup-clock";
    /** Last batch sequence taken per node. */
    public static final String SEQUENCE_STORE = "rollup-node-sequences";

    /**
     * Decoded hourly buckets kept in memory per task between commits (see {@code WriteBackBucketStore}): enough for
     * the open hours of 25,000 series; beyond, buckets are re-read from RocksDB.
     */
    static final int MAX_CACHED_BUCKETS = 50_000;

    private RollupTopology() {}

    /** The topology for the configuration: {@code RollupSettings.from(config)}. */
    public static Topology build(StrataConfig config) {
        return build(RollupSettings.from(config));
    }

    /** The topology; opens nothing. */
    public static Topology build(RollupSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.rawTopic());
        topology.addProcessor(PROCESSOR, () -> new RollupProcessor(settings), SOURCE);
        topology.addStateStore(
                WriteBackBucketStore.builder(
                        Stores.keyValueStoreBuilder(
                                        Stores.persistentKeyValueStore(HOURLY_STORE),
                                        Serdes.Bytes(),
                                        HourlyBucket.serde())
                                .withCachingEnabled(),
                        MAX_CACHED_BUCKETS),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(HOURLY_PENDING_STORE),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(DAILY_STORE), Serdes.Bytes(), Serdes.Integer())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(DAILY_PENDING_STORE), Serdes.Bytes(), Serdes.ByteArray())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(SEQUENCE_STORE), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addSink(
                HOURLY_SINK, settings.hourlyTopic(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(
                DAILY_SINK, settings.dailyTopic(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(
                DEADLETTER_SINK,
                settings.deadLetterTopic(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                PROCESSOR);
        return topology;
    }
}
