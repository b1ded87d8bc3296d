package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PostgreSQL goes away under a running sink: nothing is committed, the batch is retried, nothing is lost or doubled. */
@WithEmbeddedKafka
class DatabaseOutageIT {

    private static EmbeddedPostgres postgres;
    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka) {
        postgres = EmbeddedPostgres.start(); // our own: this test stops it
        fixture = new IngestFixture(kafka, postgres.dataSource(), "it-db-outage", 2);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
        postgres.close();
    }

    @Test
    void shouldPauseWhileTheDatabaseIsDownAndResumeWithEverySampleOnce() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            for (int b = 0; b < 10; b++) {
                fixture.send(
                        fixture.raw,
                        b % 2,
                        "node-" + (b % 2),
                        TestRecords.batch("node-" + (b % 2), b, start.plusSeconds(b), 5));
            }
            fixture.awaitCaughtUp(fixture.raw);

            postgres.stop();
            for (int b = 10; b < 30; b++) {
                fixture.send(
                        fixture.raw,
                        b % 2,
                        "node-" + (b % 2),
                        TestRecords.batch("node-" + (b % 2), b, start.plusSeconds(b), 5));
            }
            IngestFixture.await(
                    "the sink to fail on the database", () -> sink.stats().retries() >= 2);
            postgres.restart();

            fixture.awaitCaughtUp(fixture.raw);
            assertThat(sink.isRunning()).isTrue();
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(30L * 5);
        double expected = 0;
        for (int b = 0; b < 30; b++) {
            for (int i = 0; i < 5; i++) {
                expected += TestRecords.value(b, i);
            }
        }
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(expected);
        assertThat(fixture.storedOffsets(fixture.raw)).isEqualTo(fixture.endOffsets(fixture.raw));
    }
}
