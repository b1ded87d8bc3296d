package io.strata.e2e.faults;

import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.simulate.SeriesSpec;
import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the generator published, recomputed from {@link SimulatedFleet}: per series the raw figures, and the hourly
 * and daily rollups, for the ticks in {@code [from, to)}.
 */
final class History {

    static final long HOUR_MS = Duration.ofHours(1).toMillis();
    static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final SimulatedFleet fleet;
    private final Instant from;

    History(SimulatedFleet fleet, Instant from) {
        this.fleet = fleet;
        this.from = from;
    }

    SimulatedFleet fleet() {
        return fleet;
    }

    /** The series key used on both sides of a comparison: {@code node|category|name|k=v,...}. */
    static String seriesKey(String nodeKey, String category, String name, Map<String, String> labels) {
        String labelText = new TreeMap<>(labels)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        return nodeKey + "|" + category + "|" + name + "|" + labelText;
    }

    /** Raw samples in {@code [from, to)}: series key to figures (count, sum, min, max). */
    Map<String, Aggregate.Figures> raw(Instant to) {
        Map<String, Aggregate.Figures> result = new TreeMap<>();
        forEachSeries(to, (key, counter, ticks) -> {
            Aggregate all = new Aggregate(counter);
            ticks.forEach((at, value) -> all.add(value));
            result.put(key, all.figures().basic());
        });
        return result;
    }

    /** Rollups of width {@code widthMs} (hour or day) over {@code [from, to)}: "series key@bucket start" to figures. */
    Map<String, Aggregate.Figures> rollups(Instant to, long widthMs) {
        Map<String, Aggregate.Figures> result = new TreeMap<>();
        forEachSeries(to, (key, counter, ticks) -> {
            Map<Long, Aggregate> buckets = new TreeMap<>();
            ticks.forEach((at, value) -> buckets.computeIfAbsent(
                            Math.floorDiv(at, widthMs) * widthMs, start -> new Aggregate(counter))
                    .add(value));
            buckets.forEach(
                    (start, aggregate) -> result.put(key + "@" + Instant.ofEpochMilli(start), aggregate.figures()));
        });
        return result;
    }

    private void forEachSeries(Instant to, SeriesVisitor visitor) {
        long intervalMs = fleet.interval().toMillis();
        long first = Math.floorDiv(from.toEpochMilli(), intervalMs);
        long end = Math.floorDiv(to.toEpochMilli(), intervalMs);
        for (int node = 0; node < fleet.nodeCount(); node++) {
            for (int series = 0; series < fleet.metricsPerNode(); series++) {
                SeriesSpec spec = fleet.series(node, series);
                Map<Long, Double> ticks = new TreeMap<>();
                for (long tick = first; tick < end; tick++) {
                    long at = tick * intervalMs;
                    ticks.put(at, fleet.value(node, series, Instant.ofEpochMilli(at)));
                }
                visitor.visit(
                        seriesKey(fleet.nodeId(node), spec.category(), spec.name(), spec.labels()),
                        spec.kind() == MetricKind.COUNTER,
                        ticks);
            }
        }
    }

    @FunctionalInterface
    private interface SeriesVisitor {
        void visit(String key, boolean counter, Map<Long, Double> ticks);
    }
}
