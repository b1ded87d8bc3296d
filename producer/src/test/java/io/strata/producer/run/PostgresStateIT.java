package io.strata.producer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe with a PostgreSQL collector, publishing to the embedded broker. */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class PostgresStateIT {

    @Test
    void shouldPublishTheStateKeyedByNodeAndInstanceAndListTheServerAsSoftware(
            EmbeddedKafka kafka, EmbeddedPostgres postgres, @TempDir Path spool) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String metricsTopic = "it.pgstate.metrics." + run;
        String inventoryTopic = "it.pgstate.inventory." + run;
        String pgstateTopic = "it.pgstate.state." + run;
        kafka.createTopic(metricsTopic, 1);
        kafka.createTopic(inventoryTopic, 1);
        kafka.createTopic(pgstateTopic, 1);
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("probe.node-id", "node-" + run);
        values.put("probe.interval", "1s");
        values.put("probe.inventory-interval", "1s");
        values.put("probe.spool-dir", spool.toString());
        values.put("probe.topics.metrics", metricsTopic);
        values.put("probe.topics.inventory", inventoryTopic);
        values.put("probe.topics.pgstate", pgstateTopic);
        values.put("probe.http.port", "-1");
        values.put("probe.postgres.main.url", postgres.jdbcUrl());
        values.put("probe.postgres.main.user", postgres.user());
        ProbeConfig config = ProbeConfig.load(null, Map.of(), values);

        ProbeRunner runner = ProbeRunner.start(config, Clock.systemUTC());
        try {
            TopicReader.await(
                    "two batches sent",
                    Duration.ofSeconds(60),
                    () -> runner.telemetry().batchesSent() >= 2);
            TopicReader.await(
                    "three state collections",
                    Duration.ofSeconds(60),
                    () -> runner.telemetry().inventoryCollections() >= 3);
        } finally {
            runner.close();
        }

        String instance = "localhost:" + postgres.port();
        List<ConsumerRecord<String, byte[]>> states = TopicReader.readAll(kafka, pgstateTopic);
        assertThat(states).isNotEmpty();
        String previous = null;
        for (ConsumerRecord<String, byte[]> record : states) {
            PostgresState state = AvroSerdes.postgresState().deserialize(pgstateTopic, record.value());
            assertThat(record.key()).isEqualTo("node-" + run + "|" + instance);
            assertThat(state.getInstance()).isEqualTo(instance);
            assertThat(state.getContentHash()).isNotEqualTo(previous); // resent only when it changed
            previous = state.getContentHash();
        }
        List<ConsumerRecord<String, byte[]>> inventories = TopicReader.readAll(kafka, inventoryTopic);
        NodeInventory last = AvroSerdes.nodeInventory()
                .deserialize(
                        inventoryTopic, inventories.get(inventories.size() - 1).value());
        assertThat(last.getSoftware()).extracting(NodeSoftware::getSoftwareName).contains("postgresql");
        MetricBatch batch = AvroSerdes.metricBatch()
                .deserialize(
                        metricsTopic,
                        TopicReader.readAll(kafka, metricsTopic).get(0).value());
        assertThat(batch.getSamples()).anySatisfy(sample -> {
            assertThat(sample.getCategory()).isEqualTo("postgresql");
            assertThat(sample.getName()).isEqualTo("database_size_bytes");
            assertThat(sample.getLabels()).containsEntry("instance", instance);
        });
    }
}
