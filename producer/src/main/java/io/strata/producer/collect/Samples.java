package io.strata.producer.collect;

import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The samples of one collection round, all stamped with the same time. Not thread-safe: one round, one thread.
 */
public final class Samples {

    private final Instant timestamp;
    private final List<MetricSample> samples = new ArrayList<>();

    /** An empty round measured at {@code timestamp}. */
    public Samples(Instant timestamp) {
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    }

    /** When this round was measured. */
    public Instant timestamp() {
        return timestamp;
    }

    /**
     * Adds a gauge sample.
     *
     * @param labels alternating label names and values
     */
    public void gauge(String category, String name, String unit, double value, String... labels) {
        add(category, name, unit, MetricKind.GAUGE, value, labels);
    }

    /**
     * Adds a counter sample (a value that only grows until it resets).
     *
     * @param labels alternating label names and values
     */
    public void counter(String category, String name, String unit, double value, String... labels) {
        add(category, name, unit, MetricKind.COUNTER, value, labels);
    }

    /** The samples added so far, in order. */
    public List<MetricSample> toList() {
        return Collections.unmodifiableList(samples);
    }

    /** The number of samples added so far. */
    public int size() {
        return samples.size();
    }

    private void add(String category, String name, String unit, MetricKind kind, double value, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs: " + List.of(labels));
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return; // an unmeasurable value is left out rather than sent as NaN
        }
        Map<String, String> labelMap = labels.length == 0 ? Map.of() : new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            labelMap.put(labels[i], labels[i + 1] == null ? "" : labels[i + 1]);
        }
        samples.add(new MetricSample(category, name, labelMap, value, unit, kind, timestamp));
    }
}
