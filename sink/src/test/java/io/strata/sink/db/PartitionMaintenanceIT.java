package io.strata.sink.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.retention.RetentionPeriod;
import io.strata.schemas.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Retention by partition with a policy of a few days and back-dated data; maintenance runs as a login that only has
 * {@code strata_writer}.
 */
@WithEmbeddedPostgres
class PartitionMaintenanceIT {
    private static final Duration FEW_DAYS = Duration.ofDays(3);
    private static final RetentionPolicy POLICY = new RetentionPolicy(
            FEW_DAYS,
            FEW_DAYS,
            FEW_DAYS,
            RetentionPeriod.FOREVER,
            Duration.ofDays(30),
            2,
            Duration.ofMinutes(10),
            Duration.ofHours(2));

    private static Jdbi owner;
    private static Jdbi writer;

    @BeforeAll
    static void database(EmbeddedPostgres postgres) {
        postgres.createDatabase("it_partitions");
        Migrations.migrate(postgres.dataSource("it_partitions"));
        owner = Jdbis.create(postgres.dataSource("it_partitions"));
        owner.useHandle(h -> h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                + "'it_sink_login') THEN CREATE ROLE it_sink_login LOGIN; END IF; END $$"));
        owner.useHandle(h -> h.execute("GRANT strata_writer TO it_sink_login"));
        PGSimpleDataSource asWriter = new PGSimpleDataSource();
        asWriter.setUrl(postgres.jdbcUrl("it_partitions"));
        asWriter.setUser("it_sink_login");
        writer = Jdbis.create(asWriter);
    }

    @Test
    void shouldDropExpiredPartitionsKeepCurrentOnesAndCreateFutureOnes() {
        Instant now = Instant.now();
        PartitionMaintenance maintenance = new PartitionMaintenance(writer, POLICY, Clock.fixed(now, ZoneOffset.UTC));
        long series = writer.inTransaction(h -> {
            long node = h.createQuery("INSERT INTO system_nodes (node_key, node_name) VALUES ('k-retention', "
                            + "'retention') RETURNING id")
                    .mapTo(Long.class)
                    .one();
            return h.createQuery("INSERT INTO metric_series (node_id, metric_category, metric_name, kind) "
                            + "VALUES (:n, 'cpu', 'usage', 'gauge') RETURNING id")
                    .bind("n", node)
                    .mapTo(Long.class)
                    .one();
        });
        // Back-dated data: raw samples of 10, 5 and 2 days ago and now; rollups of months and years ago.
        List<Instant> sampleTimes = List.of(
                now.minus(10, ChronoUnit.DAYS), now.minus(5, ChronoUnit.DAYS), now.minus(2, ChronoUnit.DAYS), now);
        writer.useTransaction(h -> {
            maintenance.ensurePartitionsFor(h, PartitionedTable.METRIC_SAMPLES, sampleTimes.get(0), now);
            for (Instant t : sampleTimes) {
                h.createUpdate("INSERT INTO metric_samples VALUES (:s, :t, 1)")
                        .bind("s", series)
                        .bind("t", t)
                        .execute();
            }
            Instant monthsAgo = now.minus(100, ChronoUnit.DAYS);
            Instant yearsAgo = now.minus(3 * 366, ChronoUnit.DAYS);
            maintenance.ensurePartitionsFor(h, PartitionedTable.ROLLUPS_HOURLY, monthsAgo, monthsAgo);
            maintenance.ensurePartitionsFor(h, PartitionedTable.ROLLUPS_DAILY, yearsAgo, yearsAgo);
            rollup(h, "rollups_hourly", series, monthsAgo.truncatedTo(ChronoUnit.HOURS), Duration.ofHours(1));
            rollup(h, "rollups_daily", series, yearsAgo.truncatedTo(ChronoUnit.DAYS), Duration.ofDays(1));
        });
        assertThat(partitions(PartitionedTable.METRIC_SAMPLES)).hasSizeGreaterThanOrEqualTo(11);

        PartitionMaintenance.Report report = maintenance.run();

        Instant rawCutoff = now.minus(FEW_DAYS);
        List<PartitionMaintenance.PartitionInfo> raw = partitions(PartitionedTable.METRIC_SAMPLES);
        assertThat(raw).allSatisfy(p -> assertThat(p.end()).isAfter(rawCutoff));
        assertThat(raw).anySatisfy(p -> assertThat(contains(p, now.minus(2, ChronoUnit.DAYS)))
                .isTrue());
        assertThat(raw).anySatisfy(p -> assertThat(contains(p, now.plus(7, ChronoUnit.DAYS)))
                .isTrue());
        assertThat(report.dropped().get(PartitionedTable.METRIC_SAMPLES))
                .contains(name("metric_samples", now.minus(10, ChronoUnit.DAYS), "yyyyMMdd"))
                .contains(name("metric_samples", now.minus(5, ChronoUnit.DAYS), "yyyyMMdd"));

        List<PartitionMaintenance.PartitionInfo> hourly = partitions(PartitionedTable.ROLLUPS_HOURLY);
        assertThat(hourly).allSatisfy(p -> assertThat(p.end()).isAfter(now.minus(FEW_DAYS)));
        assertThat(hourly).anySatisfy(p -> assertThat(contains(p, now)).isTrue());
        assertThat(hourly).anySatisfy(p -> assertThat(contains(p, now.plus(85, ChronoUnit.DAYS)))
                .isTrue());
        List<PartitionMaintenance.PartitionInfo> daily = partitions(PartitionedTable.ROLLUPS_DAILY);
        assertThat(daily).allSatisfy(p -> assertThat(p.end()).isAfter(now.minus(FEW_DAYS)));
        assertThat(daily).anySatisfy(p -> assertThat(contains(p, now.plus(2 * 365 - 5, ChronoUnit.DAYS)))
                .isTrue());
        assertThat(scalar("SELECT count(*) FROM rollups_hourly") + scalar("SELECT count(*) FROM rollups_daily"))
                .isZero();

        // The seed's view still answers, with exactly the samples inside retention.
        List<Map<String, Object>> rows = owner.withHandle(h -> h.createQuery("SELECT node_id, metric_category, "
                        + "metric_name, metric_value, metric_unit, test_type, test_conditions, measured_at, "
                        + "measured_by, metadata FROM performance_metrics ORDER BY measured_at")
                .mapToMap()
                .list());
        assertThat(rows).hasSize(2);
        assertThat(rows).allSatisfy(r -> assertThat(r).containsEntry("metric_name", "usage"));
    }

    @Test
    void shouldKeepRowsThatArriveWithoutAPartitionAndGiveThemOneLater() {
        Instant now = Instant.now();
        Instant farFuture = now.plus(40, ChronoUnit.DAYS);
        writer.useTransaction(h -> h.createUpdate("INSERT INTO metric_samples VALUES (424242, :t, 7.25)")
                .bind("t", farFuture)
                .execute());
        assertThat(strings("SELECT tableoid::regclass::text FROM metric_samples WHERE series_id = 424242"))
                .containsExactly("metric_samples_default");

        new PartitionMaintenance(writer, POLICY, Clock.fixed(now, ZoneOffset.UTC)).run();

        assertThat(strings("SELECT tableoid::regclass::text || '=' || value "
                        + "FROM metric_samples WHERE series_id = 424242"))
                .containsExactly(name("metric_samples", farFuture, "yyyyMMdd") + "=7.25");
        assertThat(scalar("SELECT count(*) FROM metric_samples_default")).isZero();
    }

    @Test
    void shouldPruneAutomatedSnapshotsBeyondTheNewestAndKeepVerifiedOnes() {
        owner.useTransaction(h -> {
            for (int i = 0; i < 4; i++) {
                snapshot(h, "auto-" + i, "automated", Instant.parse("2026-11-0" + (i + 1) + "T00:00:00Z"));
            }
            snapshot(h, "verified-0", "verified", Instant.parse("2026-10-01T00:00:00Z"));
        });
        new PartitionMaintenance(writer, POLICY, Clock.systemUTC()).run();
        assertThat(strings("SELECT snapshot_name FROM system_state_snapshots ORDER BY snapshot_name"))
                .containsExactly("auto-2", "auto-3", "verified-0");
    }

    @Test
    void shouldLetTwoSinksEnsureTheSamePartitionAtOnce() throws Exception {
        Instant day = Instant.parse("2031-05-05T12:00:00Z");
        try (Handle first = writer.open();
                Handle second = writer.open()) {
            first.begin();
            assertThat(first.createQuery("SELECT strata_ensure_partition('metric_samples', :t)")
                            .bind("t", day)
                            .mapTo(String.class)
                            .one())
                    .isEqualTo("metric_samples_p20310505");
            second.begin();
            // Asked before the second connection is busy: once its query waits on the lock, the connection is held
            // by that query, and asking it anything would wait for the first to commit (a deadlock in the test).
            long secondPid = second.createQuery("SELECT pg_backend_pid()")
                    .mapTo(Long.class)
                    .one();
            CompletableFuture<java.util.Optional<String>> waiting = CompletableFuture.supplyAsync(
                    () -> second.createQuery("SELECT strata_ensure_partition('metric_samples', :t)")
                            .bind("t", day)
                            .mapTo(String.class)
                            .findOne());
            // The second waits on the first's lock until the first commits, then finds the partition made.
            awaitLockWait(secondPid);
            assertThat(waiting).isNotDone();
            first.commit();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEmpty();
            second.commit();
        }
        assertThat(partitions(PartitionedTable.METRIC_SAMPLES))
                .extracting(PartitionMaintenance.PartitionInfo::name)
                .containsOnlyOnce("metric_samples_p20310505");
    }

    @Test
    void shouldRefuseAnUnknownTableAndAnInfiniteTime() {
        assertThatThrownBy(
                        () -> writer.useHandle(h -> h.execute("SELECT strata_ensure_partition('system_nodes', now())")))
                .hasMessageContaining("not a Strata partitioned table");
        assertThatThrownBy(() -> writer.useHandle(
                        h -> h.execute("SELECT strata_ensure_partition('metric_samples', 'infinity')")))
                .hasMessageContaining("must be finite");
        assertThatThrownBy(() -> writer.useHandle(h -> h.execute("DROP TABLE metric_samples_default")))
                .hasMessageContaining("must be owner");
    }

    /** Bounded poll until the backend {@code pid} waits on a lock. */
    private static void awaitLockWait(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (owner.withHandle(h -> h.createQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid AND wait_event_type = 'Lock'")
                        .bind("pid", pid)
                        .mapTo(Long.class)
                        .one())
                == 0) {
            assertThat(System.nanoTime())
                    .as("backend %d waits on a lock within 30 s", pid)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void rollup(Handle h, String table, long series, Instant start, Duration width) {
        h.createUpdate("INSERT INTO " + table + " (series_id, bucket_start, bucket_end, sample_count, sum, min, max) "
                        + "VALUES (:s, :b, :e, 1, 1, 1, 1)")
                .bind("s", series)
                .bind("b", start)
                .bind("e", start.plus(width))
                .execute();
    }

    private static void snapshot(Handle h, String name, String type, Instant at) {
        h.createUpdate("INSERT INTO system_state_snapshots (snapshot_name, snapshot_type, state_json, state_hash, "
                        + "created_at) VALUES (:n, :t, '{}', :hash, :at)")
                .bind("n", name)
                .bind("t", type)
                .bind("hash", "0".repeat(64))
                .bind("at", at)
                .execute();
    }

    private static boolean contains(PartitionMaintenance.PartitionInfo p, Instant t) {
        return !t.isBefore(p.start()) && t.isBefore(p.end());
    }

    private static String name(String table, Instant t, String pattern) {
        return table + "_p"
                + java.time.format.DateTimeFormatter.ofPattern(pattern)
                        .withZone(ZoneOffset.UTC)
                        .format(t);
    }

    private static List<PartitionMaintenance.PartitionInfo> partitions(PartitionedTable table) {
        return owner.withHandle(h -> PartitionMaintenance.partitions(h, table));
    }

    private static List<String> strings(String sql) {
        return owner.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static long scalar(String sql) {
        return owner.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
