package io.strata.producer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.serde.AvroSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against the shared embedded broker for a few one-second intervals. */
@WithEmbeddedKafka
class ProbeRunnerIT {

    @Test
    void shouldSendConsecutiveBatchesAndTheInventoryOnlyWhenItChanges(EmbeddedKafka kafka, @TempDir Path spool)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String metricsTopic = "it.probe-runner.metrics." + run;
        String inventoryTopic = "it.probe-runner.inventory." + run;
        kafka.createTopic(metricsTopic, 1);
        kafka.createTopic(inventoryTopic, 1);
        // The health endpoint on an ephemeral port of the loopback interface.
        ProbeConfig config = ProbeConfig.load(
                null,
                Map.of("STRATA_PROBE_HTTP_HOST", "127.0.0.1"),
                Map.of(
                        "kafka.bootstrap.servers",
                        kafka.bootstrapServers(),
                        "probe.node-id",
                        "node-" + run,
                        "probe.node-name",
                        "runner-it",
                        "probe.interval",
                        "1s",
                        "probe.inventory-interval",
                        "1s",
                        "probe.spool-dir",
                        spool.toString(),
                        "probe.topics.metrics",
                        metricsTopic,
                        "probe.topics.inventory",
                        inventoryTopic,
                        "probe.send.timeout",
                        "10s",
                        "probe.http.port",
                        "0"));

        long startedMs = System.currentTimeMillis();
        ProbeRunner runner = ProbeRunner.start(config, Clock.systemUTC());
        try {
            TopicReader.await(
                    "three batches sent",
                    Duration.ofSeconds(60),
                    () -> runner.telemetry().batchesSent() >= 3);
            TopicReader.await(
                    "three inventory collections",
                    Duration.ofSeconds(60),
                    () -> runner.telemetry().inventoryCollections() >= 3);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + runner.httpPort().orElseThrow();
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("connected");
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body())
                    .contains("strata_probe_batches_sent_total")
                    .contains("strata_probe_dropped_samples_total")
                    .contains("strata_probe_spool_bytes");
        } finally {
            runner.close();
        }

        List<ConsumerRecord<String, byte[]>> batches = TopicReader.readAll(kafka, metricsTopic);
        assertThat(batches).hasSizeGreaterThanOrEqualTo(3);
        // A fresh spool numbers from the wall clock (above anything the node sent before), then consecutively.
        long first = AvroSerdes.metricBatch()
                .deserialize(metricsTopic, batches.get(0).value())
                .getSequence();
        assertThat(first).isBetween(startedMs, System.currentTimeMillis());
        for (int i = 0; i < batches.size(); i++) {
            ConsumerRecord<String, byte[]> record = batches.get(i);
            MetricBatch batch = AvroSerdes.metricBatch().deserialize(metricsTopic, record.value());
            assertThat(record.key()).isEqualTo("node-" + run);
            assertThat(batch.getNodeId()).isEqualTo("node-" + run);
            assertThat(batch.getNodeName()).isEqualTo("runner-it");
            assertThat(batch.getSequence()).as("sequence of batch %d", i).isEqualTo(first + i);
            assertThat(batch.getIntervalMs()).isEqualTo(1000L);
            assertThat(batch.getSamples())
                    .extracting(MetricSample::getName)
                    .contains("utilization", "used_bytes", "rx_bytes", "batches_sent");
        }

        List<ConsumerRecord<String, byte[]>> inventories = TopicReader.readAll(kafka, inventoryTopic);
        assertThat(inventories).isNotEmpty();
        assertThat(inventories.size())
                .isLessThanOrEqualTo((int) runner.telemetry().inventoryCollections());
        String previousHash = null;
        for (ConsumerRecord<String, byte[]> record : inventories) {
            NodeInventory inventory = AvroSerdes.nodeInventory().deserialize(inventoryTopic, record.value());
            assertThat(record.key()).isEqualTo("node-" + run);
            // Sent again only when something changed (other processes on this machine may open ports meanwhile).
            assertThat(inventory.getContentHash()).isNotEqualTo(previousHash);
            previousHash = inventory.getContentHash();
        }
        assertThat(runner.telemetry().inventoriesSent()).isEqualTo(inventories.size());
    }
}
