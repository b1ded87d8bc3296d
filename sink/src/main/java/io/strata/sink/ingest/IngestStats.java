package io.strata.sink.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of what the sink wrote since it started; thread-safe. */
public final class IngestStats {

    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong rollups = new AtomicLong();
    private final AtomicLong stateRecords = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();

    void committed(long recordCount, long sampleCount, long rollupCount, long stateCount) {
        records.addAndGet(recordCount);
        samples.addAndGet(sampleCount);
        rollups.addAndGet(rollupCount);
        stateRecords.addAndGet(stateCount);
        transactions.incrementAndGet();
    }

    void deadLettered(String reason) {
        deadLetters.computeIfAbsent(reason, key -> new AtomicLong()).incrementAndGet();
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
