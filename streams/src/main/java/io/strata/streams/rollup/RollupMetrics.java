package io.strata.streams.rollup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The rollup processor's counters, registered with Kafka Streams' metrics (group {@value #GROUP}, tag {@code
 * task-id}) so they appear in {@code KafkaStreams.metrics()} beside Streams' own.
 */
final class RollupMetrics implements AutoCloseable {

    /** Metric group of the rollup counters. */
    static final String GROUP = "strata-rollup-metrics";

    static final String DEAD_LETTERS = "dead-letters-total";
    static final String LATE_SAMPLES = "late-samples-total";
    static final String BEYOND_RETENTION = "beyond-retention-samples-total";
    static final String INEXACT_INCREASE = "inexact-increase-samples-total";
    static final String HOURLY_EMITTED = "hourly-rollups-emitted-total";
    static final String DAILY_EMITTED = "daily-rollups-emitted-total";
    static final String CORRECTIONS_EMITTED = "corrections-emitted-total";
    static final String REPLAYED_BATCHES = "replayed-batches-total";

    private final StreamsMetrics metrics;
    private final List<Sensor> sensors = new ArrayList<>();
    final Sensor deadLetters;
    final Sensor lateSamples;
    final Sensor beyondRetention;
    final Sensor inexactIncrease;
    final Sensor hourlyEmitted;
    final Sensor dailyEmitted;
    final Sensor correctionsEmitted;
    final Sensor replayedBatches;

    RollupMetrics(StreamsMetrics metrics, String taskId) {
        this.metrics = metrics;
        deadLetters = counter(taskId, DEAD_LETTERS, "Raw records sent to the dead-letter topic");
        lateSamples = counter(taskId, LATE_SAMPLES, "Samples that arrived after their hourly bucket was emitted");
        beyondRetention = counter(taskId, BEYOND_RETENTION, "Samples older than the hourly retention, not rolled up");
        inexactIncrease = counter(
                taskId,
                INEXACT_INCREASE,
                "Late counter samples that fell inside a compacted bucket: increase not adjusted");
        hourlyEmitted = counter(taskId, HOURLY_EMITTED, "Hourly rollups emitted, corrections included");
        dailyEmitted = counter(taskId, DAILY_EMITTED, "Daily rollups emitted, corrections included");
        correctionsEmitted = counter(taskId, CORRECTIONS_EMITTED, "Rollups emitted with a revision above 1");
        replayedBatches = counter(
                taskId,
                REPLAYED_BATCHES,
                "Raw batches skipped as replays: sequence not above the last one taken for their node");
    }

    private Sensor counter(String taskId, String name, String description) {
        Sensor sensor = metrics.addSensor("strata-rollup." + taskId + "." + name, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name, GROUP, description, Map.of("task-id", taskId)), new CumulativeSum());
        sensors.add(sensor);
        return sensor;
    }

    @Override
    public void close() {
        sensors.forEach(metrics::removeSensor);
        sensors.clear();
    }
}
