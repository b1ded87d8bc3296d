package io.strata.schemas.simulate;

import io.strata.schemas.avro.MetricKind;
import java.util.Map;
import java.util.Objects;

/**
 * The identity of one simulated series: what a {@code MetricSample} of it carries besides value and time.
 *
 * @param category metric family, e.g. {@code cpu}
 * @param name metric name within the family
 * @param labels dimensions that tell series of the same name apart
 * @param unit unit of the values
 * @param kind gauge or (monotonic, occasionally resetting) counter
 */
public record SeriesSpec(String category, String name, Map<String, String> labels, String unit, MetricKind kind) {

    /** Validates and freezes the labels. */
    public SeriesSpec {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(kind, "kind");
    }
}
