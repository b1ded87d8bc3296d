package io.strata.sink.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/** Running totals of what the sink wrote since it started; thread-safe. */
public final class IngestStats {

    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong rollups = new AtomicLong();
    private final AtomicLong stateRecords = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    /**
     * Publishes these totals as counters: {@code strata_sink_samples_total}, {@code strata_sink_rollups_total},
     * {@code strata_sink_state_records_total}, {@code strata_sink_transactions_total}, {@code
     * strata_sink_retries_total} and {@code strata_sink_deadletters_total{reason=...}} (a reason appears with its first
     * dead letter).
     */
    public void bindTo(MeterRegistry meters) {
        Objects.requireNonNull(meters, "meters");
        counter(meters, "strata.sink.samples", "Raw samples written to metric_samples", IngestStats::samples);
        counter(meters, "strata.sink.rollups", "Rollups upserted", IngestStats::rollups);
        counter(
                meters,
                "strata.sink.state.records",
                "Inventory, PostgreSQL state and changes applied",
                IngestStats::stateRecords);
        counter(
                meters,
                "strata.sink.transactions",
                "Transactions committed (rows and offsets together)",
                IngestStats::transactions);
        counter(meters, "strata.sink.retries", "Batches retried after a database outage", IngestStats::retries);
        registry = meters;
        deadLetters.forEach((reason, count) -> deadLetterCounter(meters, reason, count));
    }

    void committed(long recordCount, long sampleCount, long rollupCount, long stateCount) {
        records.addAndGet(recordCount);
        samples.addAndGet(sampleCount);
        rollups.addAndGet(rollupCount);
        stateRecords.addAndGet(stateCount);
        transactions.incrementAndGet();
    }

    void deadLettered(String reason) {
        deadLetters
                .computeIfAbsent(reason, key -> {
                    AtomicLong count = new AtomicLong();
                    MeterRegistry meters = registry;
                    if (meters != null) {
                        deadLetterCounter(meters, key, count);
                    }
                    return count;
                })
                .incrementAndGet();
    }

    private void counter(MeterRegistry meters, String name, String description, ToDoubleFunction<IngestStats> value) {
        FunctionCounter.builder(name, this, value).description(description).register(meters);
    }

    private static void deadLetterCounter(MeterRegistry meters, String reason, AtomicLong count) {
        FunctionCounter.builder("strata.sink.deadletters", count, AtomicLong::get)
                .tag("reason", reason)
                .description("Records sent to strata.deadletter, by reason")
                .register(meters);
    }

    void retried() {
        retries.incrementAndGet();
    }

    /** Raw samples copied into {@code metric_samples}. */
    public long samples() {
        return samples.get();
    }

    /** Rollup rows upserted (received; a lower revision is received but not applied). */
    public long rollups() {
        return rollups.get();
    }

    /** State records written. */
    public long stateRecords() {
        return stateRecords.get();
    }

    /** Kafka records whose offsets were committed (written or dead-lettered). */
    public long records() {
        return records.get();
    }

    /** Committed ingestion transactions. */
    public long transactions() {
        return transactions.get();
    }

    /** Batches that failed on the database and were retried. */
    public long retries() {
        return retries.get();
    }

    /** Dead-lettered records by reason code. */
    public Map<String, Long> deadLetters() {
        Map<String, Long> copy = new TreeMap<>();
        deadLetters.forEach((reason, count) -> copy.put(reason, count.get()));
        return copy;
    }

    @Override
    public String toString() {
        return "IngestStats[records=" + records() + ", samples=" + samples() + ", rollups=" + rollups()
                + ", state=" + stateRecords() + ", transactions=" + transactions() + ", retries=" + retries()
                + ", deadLetters=" + deadLetters() + "]";
    }
}
