package io.strata.sink.ingest;

import io.strata.schemas.avro.MetricKind;
import java.util.Map;
import java.util.Objects;

/**
 * Identity of a row of {@code metric_series}: the unique key (node, category, name, labels), plus the unit and kind
 * stored when the series is first registered.
 *
 * @param nodeKey {@code system_nodes.node_key}, the Avro {@code nodeId}
 * @param category metric category
 * @param name metric name
 * @param labelsJson labels as canonical JSON ({@link LabelsJson})
 * @param unit unit, or null
 * @param kind {@code gauge} or {@code counter}
 */
record SeriesKey(String nodeKey, String category, String name, String labelsJson, String unit, String kind) {

    SeriesKey {
        Objects.requireNonNull(nodeKey, "nodeKey");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labelsJson, "labelsJson");
        Objects.requireNonNull(kind, "kind");
    }

    /** The key of a series of node {@code nodeKey}, its labels made canonical JSON. */
    static SeriesKey of(
            String nodeKey, String category, String name, Map<String, String> labels, String unit, MetricKind kind) {
        return new SeriesKey(
                nodeKey, category, name, LabelsJson.of(labels), unit, kind == MetricKind.COUNTER ? "counter" : "gauge");
    }

    /** Unit and kind do not take part in identity: the table's unique key does not include them. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SeriesKey key
                && nodeKey.equals(key.nodeKey)
                && category.equals(key.category)
                && name.equals(key.name)
                && labelsJson.equals(key.labelsJson);
    }

    @Override
    public int hashCode() {
        // No varargs array: this runs for every sample of every batch.
        int hash = nodeKey.hashCode();
        hash = 31 * hash + category.hashCode();
        hash = 31 * hash + name.hashCode();
        return 31 * hash + labelsJson.hashCode();
    }
}
