package io.strata.producer.telemetry;

import io.strata.producer.collect.Samples;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The probe's own figures, reported as samples of category {@code strata.probe} in the same batches: collection time
 * (ms), batches sent, send errors, spool bytes, dropped samples and batches, the probe's resident memory and CPU time.
 * Thread-safe.
 */
public final class SelfTelemetry {

    /** The category of the probe's own samples. */
    public static final String CATEGORY = "strata.probe";

    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong inventoriesSent = new AtomicLong();
    private final AtomicLong inventoryCollections = new AtomicLong();
    private final AtomicLong lastCollectionMicros = new AtomicLong(-1);
    private volatile LongSupplier spoolBytes = () -> 0L;
    private volatile LongSupplier spoolRecords = () -> 0L;
    private volatile LongSupplier droppedSamples = () -> 0L;
    private volatile LongSupplier droppedRecords = () -> 0L;

    /** Counts one metric batch acknowledged by the broker. */
    public void batchSent() {
        batchesSent.incrementAndGet();
        recordsSent.incrementAndGet();
    }

    /** Counts one other record (inventory, state) acknowledged by the broker. */
    public void otherRecordSent() {
        recordsSent.incrementAndGet();
    }

    /** Counts one inventory acknowledged by the broker. */
    public void inventorySent() {
        inventoriesSent.incrementAndGet();
        recordsSent.incrementAndGet();
    }

    /** Counts one failed send attempt. */
    public void sendError() {
        sendErrors.incrementAndGet();
    }

    /** Counts one inventory collection (sent or not). */
    public void inventoryCollected() {
        inventoryCollections.incrementAndGet();
    }

    /** Inventory collections since start, sent or not. */
    public long inventoryCollections() {
        return inventoryCollections.get();
    }

    /** Records of any kind acknowledged since start. */
    public long recordsSent() {
        return recordsSent.get();
    }

    /** Bytes of the spool on disk. */
    public long spoolBytes() {
        return spoolBytes.getAsLong();
    }

    /** Records the spool bound dropped since the spool was created. */
    public long droppedRecords() {
        return droppedRecords.getAsLong();
    }

    /** How long the last collection took, in milliseconds (0 before the first). */
    public double lastCollectionMillis() {
        return Math.max(0, lastCollectionMicros.get()) / 1000.0;
    }

    /** Records appended to the spool and not yet delivered or dropped. */
    public long spoolRecords() {
        return spoolRecords.getAsLong();
    }

    /** Records how long the last collection took. */
    public void collectionTook(long nanos) {
        lastCollectionMicros.set(nanos / 1000);
    }

    /** Where the spool figures come from. */
    public void spool(
            LongSupplier bytes, LongSupplier records, LongSupplier samplesDropped, LongSupplier recordsDropped) {
        this.spoolBytes = bytes;
        this.spoolRecords = records;
        this.droppedSamples = samplesDropped;
        this.droppedRecords = recordsDropped;
    }

    /** Batches acknowledged since start. */
    public long batchesSent() {
        return batchesSent.get();
    }

    /** Failed send attempts since start. */
    public long sendErrors() {
        return sendErrors.get();
    }

    /** Inventories acknowledged since start. */
    public long inventoriesSent() {
        return inventoriesSent.get();
    }

    /** Samples the spool bound dropped since the spool was created. */
    public long droppedSamples() {
        return droppedSamples.getAsLong();
    }

    /** Adds the probe's samples to a round. */
    public void addTo(Samples out) {
        long micros = lastCollectionMicros.get();
        if (micros >= 0) {
            out.gauge(CATEGORY, "collection_ms", "ms", micros / 1000.0);
        }
        out.counter(CATEGORY, "batches_sent", "batches", batchesSent.get());
        out.counter(CATEGORY, "records_sent", "records", recordsSent.get());
        out.counter(CATEGORY, "inventories_sent", "records", inventoriesSent.get());
        out.counter(CATEGORY, "inventory_collections", "collections", inventoryCollections.get());
        out.counter(CATEGORY, "send_errors", "errors", sendErrors.get());
        out.gauge(CATEGORY, "spool_bytes", "bytes", spoolBytes.getAsLong());
        out.gauge(CATEGORY, "spool_records", "records", spoolRecords.getAsLong());
        out.counter(CATEGORY, "dropped_samples", "samples", droppedSamples.getAsLong());
        out.counter(CATEGORY, "dropped_records", "records", droppedRecords.getAsLong());
        Runtime runtime = Runtime.getRuntime();
        out.gauge(CATEGORY, "jvm_heap_used_bytes", "bytes", runtime.totalMemory() - runtime.freeMemory());
    }
}
