package io.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.schemas.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class StreamsMainIT {

    @Test
    void shouldOnlyReconcileTheTopicsWhenAskedTo() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code = StreamsMain.run(
                    List.of("--reconcile-topics", "--set", "kafka.bootstrap.servers=" + kafka.bootstrapServers()),
                    Map.of(),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            try (Admin admin = kafka.adminClient()) {
                Set<String> topics = admin.listTopics().names().get();
                assertThat(topics)
                        .contains(
                                TopicCatalog.METRICS_RAW,
                                TopicCatalog.METRICS_HOURLY,
                                TopicCatalog.METRICS_DAILY,
                                TopicCatalog.INVENTORY,
                                TopicCatalog.PGSTATE,
                                TopicCatalog.CHANGES,
                                TopicCatalog.DEADLETTER)
                        .noneMatch(name -> name.startsWith("strata-streams-"));
            }
        }
    }

    @Test
    void shouldRefuseABadValueBeforeTouchingTheBroker() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = StreamsMain.run(
                List.of(
                        "--reconcile-topics",
                        "--set",
                        "kafka.bootstrap.servers=127.0.0.1:1",
                        "--set",
                        "retention.raw=-5d"),
                Map.of(),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("retention.raw", "-5d");
    }
}
