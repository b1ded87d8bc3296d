package io.strata.sink.app;

import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The sink's process settings (the ingest settings are {@code io.strata.sink.ingest.IngestSettings}).
 *
 * @param dbUrl JDBC URL of the database written
 * @param dbUser login the sink writes as (a member of {@code strata_writer})
 * @param dbPassword its password; empty for trust or peer authentication
 * @param poolSize connections kept open
 * @param migrateOnStart whether Flyway migrations run at start
 * @param migrationUser login that runs migrations (owns the schema); the sink's own when empty
 * @param migrationPassword its password
 * @param httpHost address of the health and metrics endpoint
 * @param httpPort its port; -1 turns it off, 0 picks a free one
 * @param maintenanceInterval how often partitions are maintained
 * @param snapshotInterval how often an automated snapshot is taken; zero turns them off
 * @param summaryRefreshInterval how often the materialized {@code v_performance_summary} is refreshed; zero turns
 *     the scheduled refresh off
 * @param retention the retention policy
 */
public record SinkSettings(
        String dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int poolSize,
        boolean migrateOnStart,
        Optional<String> migrationUser,
        Optional<String> migrationPassword,
        String httpHost,
        int httpPort,
        Duration maintenanceInterval,
        Duration snapshotInterval,
        Duration summaryRefreshInterval,
        RetentionPolicy retention) {

    /** Where the defaults are. */
    public static final String DEFAULTS_RESOURCE = "io/strata/sink/sink-defaults.properties";

    /** Key: how often the sink refreshes the materialized performance summary; 0 = never (refresh elsewhere). */
    public static final String SUMMARY_REFRESH_INTERVAL_KEY = "sink.summary-refresh-interval";

    /** Validates the fields. */
    public SinkSettings {
        Objects.requireNonNull(dbUrl, "dbUrl");
        Objects.requireNonNull(dbUser, "dbUser");
        Objects.requireNonNull(dbPassword, "dbPassword");
        Objects.requireNonNull(migrationUser, "migrationUser");
        Objects.requireNonNull(migrationPassword, "migrationPassword");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(maintenanceInterval, "maintenanceInterval");
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        Objects.requireNonNull(summaryRefreshInterval, "summaryRefreshInterval");
        Objects.requireNonNull(retention, "retention");
    }

    /**
     * Reads and validates the settings.
     *
     * @throws io.strata.schemas.config.ConfigException naming the key and value at fault
     */
    public static SinkSettings from(StrataConfig config) {
        String url = config.getString("db.url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw config.invalid("db.url", "a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/strata");
        }
        int poolSize = config.getInt("db.pool-size");
        if (poolSize < 1) {
            throw config.invalid("db.pool-size", "an integer >= 1");
        }
        int port = config.getInt("sink.http.port");
        if (port < -1 || port > 65_535) {
            throw config.invalid("sink.http.port", "a port from 0 to 65535, or -1 for off");
        }
        return new SinkSettings(
                url,
                config.find("db.user"),
                config.find("db.password"),
                poolSize,
                config.getBoolean("db.migrate-on-start"),
                config.find("db.migration-user"),
                config.find("db.migration-password"),
                config.getString("sink.http.host"),
                port,
                config.getDuration("sink.maintenance.interval"),
                config.getNonNegativeDuration("sink.snapshot.interval"),
                config.getNonNegativeDuration(SUMMARY_REFRESH_INTERVAL_KEY),
                RetentionPolicy.from(config));
    }
}
