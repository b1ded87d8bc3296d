package io.strata.sink.db;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the sink's Flyway migrations ({@code classpath:db/migration}). Run at sink start and by
 * {@code strata-sink migrate}, as a login that may own the schema objects (not the {@code strata_writer} role).
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** Where the SQL migrations live on the class path. */
    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {}

    /**
     * Brings the database's schema to the newest version; a database already there is left alone.
     *
     * @return how many migrations ran (0 when the schema was current)
     * @throws org.flywaydb.core.api.FlywayException when a migration fails or a landed one was edited
     */
    public static int migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        MigrateResult result = flyway(dataSource).migrate();
        LOG.info(
                "database schema at version {} ({} migrations applied, was {})",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted,
                result.initialSchemaVersion != null ? result.initialSchemaVersion : "empty");
        return result.migrationsExecuted;
    }

    /** The Flyway instance the sink uses, for {@code info}/{@code validate}; {@code clean} is disabled. */
    public static Flyway flyway(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .load();
    }
}
