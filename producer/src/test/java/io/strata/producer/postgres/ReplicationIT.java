package io.strata.producer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.producer.collect.Samples;
import io.strata.producer.config.PostgresTarget;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.avro.WalReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming replica of an embedded primary (a copy of the primary's data directory taken while it is stopped, with
 * {@code standby.signal} and {@code primary_conninfo}): the primary's collector reports the link, the replica's its
 * replay lag.
 */
class ReplicationIT {

    @TempDir
    static Path dir;

    private static EmbeddedPostgres primary;
    private static EmbeddedPostgres replica;

    @BeforeAll
    static void startPrimaryAndReplica() throws Exception {
        Path primaryData = dir.resolve("primary");
        Path replicaData = dir.resolve("replica");
        primary = EmbeddedPostgres.builder().dataDir(primaryData).start();
        try (Connection connection = primary.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table replicated (id int primary key, note text)");
        }
        primary.stop();
        copy(primaryData, replicaData);
        Files.deleteIfExists(replicaData.resolve("postmaster.pid"));
        // PostgreSQL refuses a data directory others can read.
        Files.setPosixFilePermissions(
                replicaData, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createFile(replicaData.resolve("standby.signal"));
        Files.writeString(
                replicaData.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = 'host=localhost port=" + primary.port()
                        + " user=postgres application_name=replica-1'\n",
                StandardOpenOption.APPEND);
        primary.restart();
        replica = EmbeddedPostgres.builder().dataDir(replicaData).start();
        try (Connection connection = primary.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("insert into replicated select g, repeat('x', 100) from generate_series(1, 1000) g");
        }
    }

    @AfterAll
    static void stopBoth() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                Path target = to.resolve(from.relativize(source));
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static PostgresCollector collector(String name, EmbeddedPostgres server) {
        return new PostgresCollector(new PostgresTarget(name, server.jdbcUrl(), server.user(), null, List.of()));
    }

    private static <T> T eventually(java.util.function.Supplier<T> attempt, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T value = attempt.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = attempt.get();
        }
        return value;
    }

    @Test
    void shouldReportTheLinkOnThePrimary() throws Exception {
        try (PostgresCollector collector = collector("primary", primary)) {
            PostgresState state = eventually(
                    () -> collector.collectState("node-p", Instant.now()).orElseThrow(),
                    s -> s.getReplicationLinks().stream().anyMatch(l -> "streaming".equals(l.getState())));

            assertThat(state.getInRecovery()).isFalse();
            ReplicationLink link = state.getReplicationLinks().stream()
                    .filter(l -> "replica-1".equals(l.getApplicationName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(link.getState()).isEqualTo("streaming");
            assertThat(link.getSyncState()).isEqualTo("async");
            assertThat(link.getClientAddress()).isIn("127.0.0.1", "::1");
            assertThat(link.getSentLsn()).isNotBlank();
            assertThat(link.getReplayLagBytes()).isNotNull().isGreaterThanOrEqualTo(0);

            Samples samples = new Samples(Instant.now());
            collector.collectMetrics(samples);
            assertThat(samples.toList())
                    .filteredOn(sample ->
                            sample.getLabels().getOrDefault("replica", "").equals("replica-1"))
                    .extracting(MetricSample::getName, MetricSample::getUnit)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("replication_lag_bytes", "bytes"),
                            org.assertj.core.groups.Tuple.tuple("replication_lag_ms", "ms"));
        }
    }

    @Test
    void shouldReportTheReplayLagOnTheReplica() throws Exception {
        try (PostgresCollector collector = collector("replica", replica)) {
            PostgresState state = eventually(
                    () -> collector.collectState("node-r", Instant.now()).orElseThrow(),
                    s -> s.getWalReceiver() != null
                            && "streaming".equals(s.getWalReceiver().getStatus()));

            assertThat(state.getInRecovery()).isTrue();
            WalReceiver receiver = state.getWalReceiver();
            assertThat(receiver.getStatus()).isEqualTo("streaming");
            assertThat(receiver.getSenderPort()).isEqualTo(primary.port());
            assertThat(receiver.getReplayLagBytes()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(state.getSchemaObjects())
                    .anySatisfy(entry -> assertThat(entry.getTableName()).isEqualTo("replicated"));

            Samples samples = new Samples(Instant.now());
            collector.collectMetrics(samples);
            assertThat(samples.toList())
                    .extracting(MetricSample::getName)
                    .contains("replay_lag_bytes", "replay_lag_ms", "wal_received_bytes")
                    .doesNotContain("wal_bytes");
            assertThat(samples.toList())
                    .filteredOn(sample -> sample.getName().equals("in_recovery"))
                    .extracting(MetricSample::getValue)
                    .containsExactly(1.0);
        }
    }
}
