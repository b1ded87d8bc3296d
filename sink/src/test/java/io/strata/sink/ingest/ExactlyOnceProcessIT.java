package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink runs as its own process and is killed with SIGKILL while PostgreSQL is executing its COPY, twice; after a
 * final restart the raw table holds every sample exactly once.
 */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class ExactlyOnceProcessIT {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceProcessIT.class);
    private static final int PARTITIONS = 2;
    private static final int BATCHES = 600;
    private static final int SAMPLES_PER_BATCH = 200;
    private static final int MAX_POLL_RECORDS = 100;
    private static final String DATABASE = "it_exactly_once_process";

    private static IngestFixture fixture;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres shared) {
        postgres = shared;
        postgres.createDatabase(DATABASE);
        fixture = new IngestFixture(kafka, postgres.dataSource(DATABASE), "it-exactly-once-process", PARTITIONS);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldHoldEverySampleExactlyOnceAfterTheSinkIsKilledMidBatchAndRestarted() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        double expectedSum = 0;
        for (int b = 0; b < BATCHES; b++) {
            int partition = b % PARTITIONS;
            fixture.send(
                    fixture.raw,
                    partition,
                    "node-" + partition,
                    TestRecords.batch("node-" + partition, b, start.plusSeconds(b), SAMPLES_PER_BATCH));
            for (int i = 0; i < SAMPLES_PER_BATCH; i++) {
                expectedSum += TestRecords.value(b, i);
            }
        }

        for (int kill = 1; kill <= 2; kill++) {
            Process sink = startSink(kill);
            try {
                IngestFixture.await("a COPY of the sink process in flight", ExactlyOnceProcessIT::copyInFlight);
                long before = fixture.count("SELECT count(*) FROM metric_samples");
                sink.destroyForcibly(); // SIGKILL on Linux
                sink.waitFor();
                LOG.info("Killed the sink process mid-COPY (kill {}); {} samples committed before", kill, before);
            } finally {
                sink.destroyForcibly();
            }
            assertThat(fixture.count("SELECT count(*) FROM metric_samples"))
                    .as("not everything was written before the kill")
                    .isLessThan((long) BATCHES * SAMPLES_PER_BATCH);
        }

        Process sink = startSink(3);
        try {
            fixture.awaitCaughtUp(fixture.raw);
        } finally {
            sink.destroyForcibly();
            sink.waitFor();
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo((long) BATCHES * SAMPLES_PER_BATCH);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(expectedSum);
        assertThat(fixture.storedOffsets(fixture.raw)).isEqualTo(fixture.endOffsets(fixture.raw));
    }

    private static boolean copyInFlight() {
        return fixture.count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DATABASE
                        + "' AND state = 'active' AND query LIKE 'COPY metric_samples%'")
                > 0;
    }

    private static Process startSink(int run) throws IOException {
        Path log = Path.of("target", "exactly-once-sink-" + run + ".log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                SinkProcessMain.class.getName(),
                fixture.kafka.bootstrapServers(),
                postgres.jdbcUrl(DATABASE),
                postgres.user(),
                "it-exactly-once-process",
                Integer.toString(MAX_POLL_RECORDS));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(new File("."))
                .start();
    }
}
