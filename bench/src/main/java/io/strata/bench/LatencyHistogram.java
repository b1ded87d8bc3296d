package io.strata.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies in whole milliseconds, each with a weight (a poll sees many samples become visible at once): the
 * percentiles are those of the samples, not of the polls. Not thread-safe.
 */
final class LatencyHistogram {

    private final TreeMap<Long, Long> counts = new TreeMap<>();
    private long total;

    /** Records {@code samples} samples with latency {@code millis}; a negative latency counts as 0. */
    void add(long millis, long samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must not be negative: " + samples);
        }
        if (samples == 0) {
            return;
        }
        counts.merge(Math.max(0, millis), samples, Long::sum);
        total += samples;
    }

    /** The number of samples recorded. */
    long count() {
        return total;
    }

    /**
     * The nearest-rank percentile: the smallest latency at or below which at least {@code percent} % of the samples
     * lie; -1 when nothing was recorded.
     */
    long percentile(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(percent / 100.0 * total);
        long seen = 0;
        for (Map.Entry<Long, Long> entry : counts.entrySet()) {
            seen += entry.getValue();
            if (seen >= rank) {
                return entry.getKey();
            }
        }
        return counts.lastKey();
    }

    /** The largest latency recorded; -1 when nothing was recorded. */
    long max() {
        return total == 0 ? -1 : counts.lastKey();
    }
}
