package io.strata.producer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.serde.AvroSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe through broker outages, on a broker of its own that it stops and restarts. */
class SpoolOutageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static EmbeddedKafka kafka;

    @TempDir
    Path spool;

    private String metricsTopic;
    private String inventoryTopic;
    private String nodeId;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @BeforeEach
    void createTopics() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        metricsTopic = "it.spool.metrics." + run;
        inventoryTopic = "it.spool.inventory." + run;
        nodeId = "node-" + run;
        kafka.createTopic(metricsTopic, 1);
        kafka.createTopic(inventoryTopic, 1);
    }

    private ProbeConfig config(Map<String, String> more) {
        Map<String, String> values = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                kafka.bootstrapServers(),
                "kafka.reconnect.backoff.max.ms",
                "500",
                "probe.node-id",
                nodeId,
                "probe.interval",
                "1s",
                "probe.inventory-interval",
                "1h",
                "probe.spool-dir",
                spool.toString(),
                "probe.topics.metrics",
                metricsTopic,
                "probe.topics.inventory",
                inventoryTopic,
                "probe.send.timeout",
                "3s",
                "probe.http.port",
                "-1"));
        values.putAll(more);
        return ProbeConfig.load(null, Map.of(), values);
    }

    private List<MetricBatch> batches() {
        return TopicReader.readAll(kafka, metricsTopic).stream()
                .map(record -> AvroSerdes.metricBatch().deserialize(metricsTopic, record.value()))
                .toList();
    }

    private long lastSequence() throws Exception {
        return Long.parseLong(Files.readString(spool.resolve("sequence")).strip());
    }

    private static void outage(ProbeRunner runner, long spooledRecords) throws Exception {
        kafka.stop();
        TopicReader.await(
                spooledRecords + " records spooled during the outage",
                PATIENCE,
                () -> runner.telemetry().spoolRecords() >= spooledRecords);
    }

    private static void recover(ProbeRunner runner) throws Exception {
        kafka.restart();
        TopicReader.await(
                "the spool drained", PATIENCE, () -> runner.telemetry().spoolRecords() == 0);
    }

    @Test
    void shouldDeliverEveryBatchExactlyOnceAndInOrderAfterAnOutage() throws Exception {
        long startedMs = System.currentTimeMillis();
        ProbeRunner runner = ProbeRunner.start(config(Map.of()), Clock.systemUTC());
        try {
            TopicReader.await(
                    "two batches sent", PATIENCE, () -> runner.telemetry().batchesSent() >= 2);
            outage(runner, 5);
            assertThat(runner.telemetry().sendErrors()).isPositive();
            recover(runner);
            long sent = runner.telemetry().batchesSent();
            TopicReader.await(
                    "two batches after the outage",
                    PATIENCE,
                    () -> runner.telemetry().batchesSent() >= sent + 2);
        } finally {
            runner.close();
        }

        List<Long> sequences = batches().stream().map(MetricBatch::getSequence).toList();
        // A fresh spool numbers from the wall clock; the first batch went out before the outage.
        assertThat(sequences.get(0)).isGreaterThanOrEqualTo(startedMs);
        assertThat(sequences)
                .containsExactlyElementsOf(LongStream.rangeClosed(sequences.get(0), lastSequence())
                        .boxed()
                        .toList());
        assertThat(runner.telemetry().droppedSamples()).isZero();
    }

    @Test
    void shouldCountExactlyTheSamplesTheBoundDropped() throws Exception {
        // One record per segment and room for about three: a long outage must drop the oldest.
        ProbeRunner runner = ProbeRunner.start(
                config(Map.of("probe.spool.segment-bytes", "1", "probe.spool.max-bytes", "16KiB")), Clock.systemUTC());
        try {
            TopicReader.await(
                    "two batches sent", PATIENCE, () -> runner.telemetry().batchesSent() >= 2);
            kafka.stop();
            TopicReader.await(
                    "samples dropped", PATIENCE, () -> runner.telemetry().droppedSamples() > 0);
            long sequenceAtFirstDrop = lastSequence();
            TopicReader.await("three more batches", PATIENCE, () -> {
                try {
                    return lastSequence() >= sequenceAtFirstDrop + 3;
                } catch (Exception e) {
                    return false;
                }
            });
            recover(runner);
            long sent = runner.telemetry().batchesSent();
            TopicReader.await(
                    "two batches after the outage",
                    PATIENCE,
                    () -> runner.telemetry().batchesSent() >= sent + 2);
        } finally {
            runner.close();
        }

        List<MetricBatch> received = batches();
        List<Long> sequences = received.stream().map(MetricBatch::getSequence).toList();
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        // The first batch went out before the outage: the numbers start there (from the wall clock).
        List<Long> missing = LongStream.rangeClosed(sequences.get(0), lastSequence())
                .boxed()
                .filter(sequence -> !sequences.contains(sequence))
                .toList();
        assertThat(missing).isNotEmpty();
        // Every batch of this run has the same families, hence the same number of samples.
        int samplesPerBatch = received.get(0).getSamples().size();
        assertThat(received).allSatisfy(batch -> assertThat(batch.getSamples()).hasSize(samplesPerBatch));
        long droppedSamples = runner.telemetry().droppedSamples();
        assertThat(droppedSamples).isEqualTo((long) missing.size() * samplesPerBatch);
        // and the stream itself reports it
        double reported = received.stream()
                .flatMap(batch -> batch.getSamples().stream())
                .filter(sample -> sample.getCategory().equals("strata.probe")
                        && sample.getName().equals("dropped_samples"))
                .mapToDouble(MetricSample::getValue)
                .max()
                .orElseThrow();
        assertThat(reported).isEqualTo((double) droppedSamples);
    }

    @Test
    void shouldLoseNothingSpooledWhenTheProbeRestartsMidOutage() throws Exception {
        long startedMs = System.currentTimeMillis();
        ProbeRunner first = ProbeRunner.start(config(Map.of()), Clock.systemUTC());
        try {
            TopicReader.await(
                    "two batches sent", PATIENCE, () -> first.telemetry().batchesSent() >= 2);
            outage(first, 3);
        } finally {
            first.close();
        }
        long spooledByFirst = lastSequence();

        ProbeRunner second = ProbeRunner.start(config(Map.of()), Clock.systemUTC());
        try {
            TopicReader.await("the second probe spooled more", PATIENCE, () -> {
                try {
                    return lastSequence() >= spooledByFirst + 3;
                } catch (Exception e) {
                    return false;
                }
            });
            recover(second);
        } finally {
            second.close();
        }

        List<Long> sequences = batches().stream().map(MetricBatch::getSequence).toList();
        // A fresh spool numbers from the wall clock; the first batch went out before the outage.
        assertThat(sequences.get(0)).isGreaterThanOrEqualTo(startedMs);
        assertThat(sequences)
                .containsExactlyElementsOf(LongStream.rangeClosed(sequences.get(0), lastSequence())
                        .boxed()
                        .toList());
    }
}
