package io.strata.sink.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.schemas.config.StartupChecks;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.ops.Health;
import io.strata.schemas.ops.OpsServer;
import io.strata.sink.db.Jdbis;
import io.strata.sink.db.Migrations;
import io.strata.sink.db.PartitionMaintenance;
import io.strata.sink.db.PerformanceSummary;
import io.strata.sink.ingest.IngestSettings;
import io.strata.sink.ingest.IngestStats;
import io.strata.sink.ingest.PartitionPreparer;
import io.strata.sink.ingest.SinkIngest;
import io.strata.sink.ingest.StateTopics;
import io.strata.sink.snapshot.SnapshotType;
import io.strata.sink.snapshot.StateSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sink: migrates the schema, maintains partitions, consumes every Strata topic into PostgreSQL, takes
 * automated snapshots, refreshes the materialized performance summary, and serves {@code /health} and
 * {@code /metrics}.
 */
public final class SinkApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);
    private static final DateTimeFormatter SNAPSHOT_NAME =
            DateTimeFormatter.ofPattern("'automated-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final HikariDataSource dataSource;
    private final SinkIngest ingest;
    private final ScheduledExecutorService schedule;
    private final PrometheusMeterRegistry registry;
    private final OpsServer ops;

    private SinkApp(
            HikariDataSource dataSource,
            SinkIngest ingest,
            ScheduledExecutorService schedule,
            PrometheusMeterRegistry registry,
            OpsServer ops) {
        this.dataSource = dataSource;
        this.ingest = ingest;
        this.schedule = schedule;
        this.registry = registry;
        this.ops = ops;
    }

    /** Key: how long the start waits for the broker and the database to answer; 0 = no check. */
    public static final String STARTUP_TIMEOUT_KEY = "sink.startup.timeout";

    /**
     * Starts the sink, once the broker and the database answered within {@value #STARTUP_TIMEOUT_KEY}.
     *
     * @throws io.strata.schemas.config.ConfigException for a bad configuration value or an unreachable broker or
     *     database, naming the key
     */
    public static SinkApp start(StrataConfig config) {
        SinkSettings settings = SinkSettings.from(config);
        IngestSettings ingestSettings = IngestSettings.from(config);
        // Kafka clients and the pool retry an unreachable host for ever: fail the start instead, naming the key.
        Duration startupTimeout = StartupChecks.timeout(config, STARTUP_TIMEOUT_KEY);
        DatabaseCheck.check(config, settings, startupTimeout, STARTUP_TIMEOUT_KEY);
        StartupChecks.kafka(config, STARTUP_TIMEOUT_KEY);
        if (settings.migrateOnStart()) {
            migrate(settings);
        }
        HikariDataSource dataSource = pool(settings);
        SinkIngest ingest = null;
        ScheduledExecutorService schedule = null;
        OpsServer ops = null;
        try {
            Jdbi jdbi = Jdbis.create(dataSource);
            PartitionMaintenance maintenance = new PartitionMaintenance(jdbi, settings.retention(), Clock.systemUTC());
            maintenance.run();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ingest = SinkIngest.create(
                    ingestSettings, dataSource, StateTopics.all(), PartitionPreparer.usingDatabaseFunction());
            ingest.bindMetrics(registry);
            ingest.stats().bindTo(registry);
            schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "strata-sink-schedule");
                thread.setDaemon(true);
                return thread;
            });
            long maintenanceMs = settings.maintenanceInterval().toMillis();
            schedule.scheduleWithFixedDelay(
                    () -> logFailure("partition maintenance", maintenance::run),
                    maintenanceMs,
                    maintenanceMs,
                    TimeUnit.MILLISECONDS);
            if (!settings.snapshotInterval().isZero()) {
                long snapshotMs = settings.snapshotInterval().toMillis();
                schedule.scheduleAtFixedRate(
                        () -> logFailure("automated snapshot", () -> automatedSnapshot(jdbi, settings)),
                        snapshotMs,
                        snapshotMs,
                        TimeUnit.MILLISECONDS);
            }
            if (!settings.summaryRefreshInterval().isZero()) {
                PerformanceSummary summary = new PerformanceSummary(jdbi);
                long refreshMs = settings.summaryRefreshInterval().toMillis();
                // Fixed delay: a refresh slower than the interval must not queue up refreshes behind it. Skipped when
                // another sink refreshed within half the interval: scaled out, the sinks share the work.
                Duration minAge = settings.summaryRefreshInterval().dividedBy(2);
                schedule.scheduleWithFixedDelay(
                        () -> logFailure("performance summary refresh", () -> summary.refreshUnlessFresh(minAge)),
                        refreshMs,
                        refreshMs,
                        TimeUnit.MILLISECONDS);
            }
            SinkIngest running = ingest;
            if (settings.httpPort() >= 0) {
                ops = OpsServer.start(settings.httpHost(), settings.httpPort(), registry, () -> health(running));
            }
            ingest.start();
            return new SinkApp(dataSource, ingest, schedule, registry, ops);
        } catch (RuntimeException e) {
            if (ops != null) {
                ops.close();
            }
            if (schedule != null) {
                schedule.shutdownNow();
            }
            if (ingest != null) {
                ingest.close();
            }
            dataSource.close();
            throw e;
        }
    }

    /** Runs the migrations as the migration login (or the sink's own); returns how many were applied. */
    public static int migrate(SinkSettings settings) {
        PGSimpleDataSource owner = new PGSimpleDataSource();
        owner.setURL(settings.dbUrl());
        settings.migrationUser().or(settings::dbUser).ifPresent(owner::setUser);
        (settings.migrationUser().isPresent() ? settings.migrationPassword() : settings.dbPassword())
                .ifPresent(owner::setPassword);
        return Migrations.migrate(owner);
    }

    /** A pool of connections as the sink's login. */
    public static HikariDataSource pool(SinkSettings settings) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("strata-sink");
        pool.setJdbcUrl(settings.dbUrl());
        settings.dbUser().ifPresent(pool::setUsername);
        settings.dbPassword().ifPresent(pool::setPassword);
        pool.setMaximumPoolSize(settings.poolSize());
        pool.setMinimumIdle(1);
        // An outage at start is the ingest loop's to ride out (it backs off), not a reason to refuse to start.
        pool.setInitializationFailTimeout(-1);
        return new HikariDataSource(pool);
    }

    /** Takes an automated snapshot now and prunes the automated ones beyond the policy's number. */
    static void automatedSnapshot(Jdbi jdbi, SinkSettings settings) {
        StateSnapshots.take(
                jdbi, SNAPSHOT_NAME.format(Instant.now()), SnapshotType.AUTOMATED, "scheduled", "strata-sink");
        jdbi.useTransaction(handle ->
                StateSnapshots.pruneAutomated(handle, settings.retention().automatedSnapshotsKept()));
    }

    /** The data source the sink writes through. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** What was written so far. */
    public IngestStats stats() {
        return ingest.stats();
    }

    /** The port of the health and metrics endpoint, or -1 when it is off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Stops consuming (the batch in flight commits or rolls back), the schedules, the endpoint and the pool. */
    @Override
    public void close() {
        try {
            ingest.close();
        } finally {
            schedule.shutdownNow();
            if (ops != null) {
                ops.close();
            }
            registry.close();
            dataSource.close();
        }
    }

    private static Health health(SinkIngest ingest) {
        Map<String, String> details = Map.of(
                "consuming", Boolean.toString(ingest.isRunning()),
                "transactions", Long.toString(ingest.stats().transactions()));
        return ingest.isRunning() ? Health.up(details) : Health.down(details);
    }

    private static void logFailure(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // The schedule must survive (a later run may succeed once the database is back).
            LOG.error("Scheduled {} failed; it will run again at its next time", what, e);
        }
    }
}
