package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
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
 * The sink runs as its own process and is killed with SIGKILL: once idle after committing, once after the COPY of a
 * batch streamed but before its transaction committed (held there by a lock on {@code sink_offsets}); after a final
 * restart the raw table holds every sample exactly once.
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
        double expectedSum = produce(start, 0, BATCHES / 2);

        // 1. A sink commits the first half and is killed (SIGKILL) while idle.
        Process first = startSink(1);
        try {
            fixture.awaitCaughtUp(fixture.raw);
        } finally {
            kill(first);
        }
        long committed = fixture.count("SELECT count(*) FROM metric_samples");
        assertThat(committed).isEqualTo((long) BATCHES / 2 * SAMPLES_PER_BATCH);

        // 2. The second half; the next sink is killed after its COPY streamed a whole batch, before the commit:
        // the test holds a lock on sink_offsets, so the batch's transaction waits at its offset upsert.
        expectedSum += produce(start, BATCHES / 2, BATCHES / 2);
        try (Connection lock = fixture.dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE sink_offsets IN SHARE MODE");
            }
            Process second = startSink(2);
            try {
                IngestFixture.await("a batch of the sink process waiting to store its offsets", () -> waiting() > 0);
                assertThat(copiedRowsInFlight())
                        .as("the COPY of the batch is done, uncommitted")
                        .isTrue();
            } finally {
                kill(second);
            }
            lock.rollback();
        }
        IngestFixture.await("the killed sink's transaction to end", () -> waiting() == 0 && inTransaction() == 0);
        assertThat(fixture.count("SELECT count(*) FROM metric_samples"))
                .as("the killed batch rolled back")
                .isEqualTo(committed);

        // 3. A third sink resumes from the stored offsets.
        Process third = startSink(3);
        try {
            fixture.awaitCaughtUp(fixture.raw);
        } finally {
            kill(third);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo((long) BATCHES * SAMPLES_PER_BATCH);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(expectedSum);
        assertThat(fixture.storedOffsets(fixture.raw)).isEqualTo(fixture.endOffsets(fixture.raw));
    }

    private static double produce(Instant start, int first, int count) {
        double sum = 0;
        for (int b = first; b < first + count; b++) {
            int partition = b % PARTITIONS;
            fixture.send(
                    fixture.raw,
                    partition,
                    "node-" + partition,
                    TestRecords.batch("node-" + partition, b, start.plusSeconds(b), SAMPLES_PER_BATCH));
            for (int i = 0; i < SAMPLES_PER_BATCH; i++) {
                sum += TestRecords.value(b, i);
            }
        }
        return sum;
    }

    private static void kill(Process sink) throws InterruptedException {
        sink.destroyForcibly(); // SIGKILL on Linux
        sink.waitFor();
        LOG.info("Killed the sink process {} (exit {})", sink.pid(), sink.exitValue());
    }

    /** Backends of the sink blocked on the offset upsert. */
    private static long waiting() {
        return fixture.count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DATABASE
                + "' AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO sink_offsets%'");
    }

    /** Backends other than this query's in an open transaction. */
    private static long inTransaction() {
        return fixture.count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DATABASE
                + "' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL");
    }

    /** Whether a transaction other than ours holds a ROW EXCLUSIVE lock on a metric_samples partition. */
    private static boolean copiedRowsInFlight() {
        return fixture.count("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        + "WHERE c.relname LIKE 'metric_samples_p%' AND l.mode = 'RowExclusiveLock' "
                        + "AND l.pid <> pg_backend_pid()")
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
