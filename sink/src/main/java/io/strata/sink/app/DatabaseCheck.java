package io.strata.sink.app;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.Durations;
import io.strata.schemas.config.StrataConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The sink's startup check of {@code db.url}: one connection as the sink's login within {@code sink.startup.timeout},
 * so that an unreachable database or a refused login ends the start with a message naming the key, not with a stack
 * trace from the migrations or the pool.
 */
final class DatabaseCheck {

    private DatabaseCheck() {}

    /**
     * Connects once; does nothing when the timeout is zero.
     *
     * @throws ConfigException naming {@code db.url} (or {@code db.user} when the login was refused)
     */
    static void check(StrataConfig config, SinkSettings settings, Duration timeout, String timeoutKey) {
        if (timeout.isZero()) {
            return;
        }
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(settings.dbUrl());
        settings.dbUser().ifPresent(source::setUser);
        settings.dbPassword().ifPresent(source::setPassword);
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        source.setConnectTimeout(seconds);
        source.setLoginTimeout(seconds);
        source.setSocketTimeout(seconds);
        try (Connection connection = source.getConnection()) {
            if (!connection.isValid(seconds)) {
                throw new SQLException("the connection did not answer");
            }
        } catch (SQLException e) {
            // SQL state class 28: invalid authorization (the server answered, the login is at fault).
            boolean login = e.getSQLState() != null && e.getSQLState().startsWith("28");
            String key = login ? "db.user" : "db.url";
            String expected = login
                    ? "a login the database accepts"
                    : "a PostgreSQL server that accepts a connection within " + Durations.format(timeout) + " ("
                            + timeoutKey + ")";
            throw new ConfigException(key, config.invalid(key, expected).getMessage() + ": " + e.getMessage(), e);
        }
    }
}
