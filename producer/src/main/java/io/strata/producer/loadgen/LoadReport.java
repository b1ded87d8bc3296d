package io.strata.producer.loadgen;

/**
 * What a load generator run published.
 *
 * @param ticks ticks published
 * @param batches metric batches acknowledged
 * @param samples samples in them
 * @param inventories inventories acknowledged
 * @param failures records the broker did not acknowledge
 * @param nanos how long the run took
 */
public record LoadReport(long ticks, long batches, long samples, long inventories, long failures, long nanos) {

    /** Samples per second over the whole run. */
    public double samplesPerSecond() {
        return nanos == 0 ? 0 : samples * 1e9 / nanos;
    }
}
