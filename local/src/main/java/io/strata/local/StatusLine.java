package io.strata.local;

import io.strata.producer.run.ProbeRunner;
import io.strata.sink.app.SinkApp;
import io.strata.streams.StreamsApp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

/**
 * One status line from the apps' own figures: samples produced per second (simulated fleet; probe batches counted
 * apart), rows written per second by the sink, rollups emitted by streams, the consumer lag of the sink and streams
 * groups, and the probe's spool.
 */
final class StatusLine {

    private static final String ROLLUP_GROUP = "strata-rollup-metrics";

    private final Admin admin;
    private final List<String> groups;
    private final SinkApp sink;
    private final StreamsApp streams;
    private final ProbeRunner probe;
    private final SimulatedLoad simulated;
    private long lastNanos = System.nanoTime();
    private long lastSamples;
    private long lastRows;

    StatusLine(
            Admin admin,
            List<String> groups,
            SinkApp sink,
            StreamsApp streams,
            ProbeRunner probe,
            SimulatedLoad simulated) {
        this.admin = admin;
        this.groups = List.copyOf(groups);
        this.sink = sink;
        this.streams = streams;
        this.probe = probe;
        this.simulated = simulated;
    }

    String next() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        long samples = simulated == null ? 0 : simulated.samplesSent();
        var stats = sink.stats();
        long rows = stats.samples() + stats.rollups() + stats.stateRecords();
        StringBuilder line = new StringBuilder("strata local: ");
        line.append(String.format(Locale.ROOT, "produced %,.0f samples/s", (samples - lastSamples) / seconds));
        if (simulated != null && !simulated.caughtUp()) {
            line.append(String.format(Locale.ROOT, " (backfill %.0f%%)", 100 * simulated.backfillProgress()));
        }
        if (probe != null) {
            line.append(String.format(
                    Locale.ROOT, ", probe %,d batches", probe.telemetry().batchesSent()));
        }
        line.append(String.format(
                Locale.ROOT,
                " | written %,.0f rows/s (%,d samples, %,d rollups, %,d state)",
                (rows - lastRows) / seconds,
                stats.samples(),
                stats.rollups(),
                stats.stateRecords()));
        line.append(String.format(
                Locale.ROOT,
                " | rollups emitted %,d hourly %,d daily",
                rollupsEmitted("hourly-rollups-emitted-total"),
                rollupsEmitted("daily-rollups-emitted-total")));
        line.append(" | lag ").append(lag());
        if (probe != null) {
            line.append(String.format(
                    Locale.ROOT,
                    " | spool %,d records %,d B",
                    probe.telemetry().spoolRecords(),
                    probe.telemetry().spoolBytes()));
        }
        long dead =
                stats.deadLetters().values().stream().mapToLong(Long::longValue).sum();
        if (dead > 0) {
            line.append(String.format(Locale.ROOT, " | %,d dead letters", dead));
        }
        lastNanos = now;
        lastSamples = samples;
        lastRows = rows;
        return line.toString();
    }

    private long rollupsEmitted(String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric :
                streams.streams().metrics().entrySet()) {
            if (ROLLUP_GROUP.equals(metric.getKey().group())
                    && name.equals(metric.getKey().name())
                    && metric.getValue().metricValue() instanceof Number value) {
                total += value.doubleValue();
            }
        }
        return (long) total;
    }

    /** Records not yet consumed (committed offsets against read-committed end offsets), per group. */
    private String lag() {
        List<String> parts = new ArrayList<>();
        for (String group : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.forEach((partition, offset) -> {
                    if (offset != null) {
                        latest.put(partition, OffsetSpec.latest());
                    }
                });
                long lag = 0;
                if (!latest.isEmpty()) {
                    var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                            .all()
                            .get(5, TimeUnit.SECONDS);
                    for (var end : ends.entrySet()) {
                        lag += Math.max(
                                0,
                                end.getValue().offset()
                                        - committed.get(end.getKey()).offset());
                    }
                }
                parts.add(String.format(Locale.ROOT, "%s %,d", shortName(group), lag));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                parts.add(shortName(group) + " ?");
            } catch (Exception e) {
                parts.add(shortName(group) + " ?");
            }
        }
        return String.join(", ", parts);
    }

    private static String shortName(String group) {
        return group.startsWith("strata-") ? group.substring("strata-".length()) : group;
    }
}
