package io.strata.local;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.sink.db.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local database {@value #DATABASE}: created once, migrated by the superuser (who owns the schema), with two login
 * roles. The embedded server listens on localhost only and trusts local connections, so the roles have no password.
 */
final class LocalDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDatabase.class);

    static final String DATABASE = "strata";
    /** The sink's login, a member of {@code strata_writer}. */
    static final String SINK_USER = "strata_sink";
    /** The users' login, a member of {@code strata_reader}, read-only by default. */
    static final String READ_USER = "strata_read";

    private LocalDatabase() {}

    /** Creates the database and the roles if missing and applies pending migrations; returns how many. */
    static int prepare(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.dataSource().getConnection()) {
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
                LOG.info("Created database {}", DATABASE);
            }
        } catch (SQLException e) {
            throw new LocalModeException("Cannot create the database " + DATABASE, e);
        }
        // The migrations create the NOLOGIN roles strata_writer and strata_reader; the logins join them.
        int applied = Migrations.migrate(postgres.dataSource(DATABASE));
        try (Connection connection = postgres.dataSource(DATABASE).getConnection();
                Statement statement = connection.createStatement()) {
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", SINK_USER)) {
                statement.execute("CREATE ROLE " + SINK_USER + " LOGIN IN ROLE strata_writer");
            }
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", READ_USER)) {
                statement.execute("CREATE ROLE " + READ_USER + " LOGIN IN ROLE strata_reader");
                // Belt and braces: strata_reader may only SELECT anyway.
                statement.execute("ALTER ROLE " + READ_USER + " SET default_transaction_read_only = on");
            }
        } catch (SQLException e) {
            throw new LocalModeException("Cannot create the roles " + SINK_USER + " and " + READ_USER, e);
        }
        return applied;
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
