package io.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithEmbeddedPostgres
class EmbeddedPostgresIT {

    @Test
    void shouldCreateATableAndReadBackWhatWasInserted(EmbeddedPostgres postgres) throws SQLException {
        String url = postgres.createDatabase("it_rows");

        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE sample (host text PRIMARY KEY, cpu double precision)");
            statement.execute("INSERT INTO sample VALUES ('host-1', 0.5), ('host-2', 0.25)");
            assertThat(strings(statement, "SELECT host || '=' || cpu FROM sample ORDER BY host"))
                    .containsExactly("host-1=0.5", "host-2=0.25");
        }
    }

    @Test
    void shouldRunPostgresql18(EmbeddedPostgres postgres) throws SQLException {
        System.out.printf("[timing] shared EmbeddedPostgres start: %d ms%n", postgres.lastStartMillis());
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(Integer.parseInt(
                            strings(statement, "SHOW server_version_num").get(0)))
                    .isGreaterThanOrEqualTo(180_000);
        }
    }

    @Test
    void shouldShareOneServerAcrossParameters(EmbeddedPostgres first, EmbeddedPostgres second) {
        assertThat(first).isSameAs(second);
        assertThat(first.isRunning()).isTrue();
        assertThat(first.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + first.port() + "/postgres");
    }

    @Test
    void shouldKeepDataAcrossRestartsInAGivenDataDirectory(@TempDir Path dir) throws SQLException {
        Path dataDir = dir.resolve("pgdata");
        int port;
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder().dataDir(dataDir).start()) {
            port = postgres.port();
            System.out.printf(
                    "[timing] EmbeddedPostgres first start (initdb + start): %d ms%n", postgres.lastStartMillis());
            execute(postgres, "CREATE TABLE kept (v int)", "INSERT INTO kept VALUES (42)");

            postgres.stop();
            assertThat(postgres.isRunning()).isFalse();
            postgres.restart();
            System.out.printf(
                    "[timing] EmbeddedPostgres restart (same port, same data): %d ms%n", postgres.lastStartMillis());

            assertThat(postgres.port()).isEqualTo(port);
            assertThat(query(postgres, "SELECT v FROM kept")).containsExactly("42");
        }
        assertThat(dataDir.resolve("PG_VERSION")).exists();

        // A new instance on the same directory (the local mode after a process restart) finds the data again.
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder().dataDir(dataDir).start()) {
            assertThat(query(postgres, "SELECT v FROM kept")).containsExactly("42");
        }
    }

    @Test
    void shouldDeleteATemporaryDataDirectoryOnClose() throws SQLException {
        Set<Thread> before = ThreadSnapshot.nonDaemonThreads();
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        Path dataDir = postgres.dataDir();
        assertThat(query(postgres, "SELECT 1")).containsExactly("1");
        assertThat(dataDir.resolve("PG_VERSION")).exists();

        postgres.close();

        assertThat(postgres.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
        try {
            assertThat(ThreadSnapshot.leftoverSince(before)).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldListenOnAFixedPortWithTheGivenServerConfig() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }

        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .port(port)
                .serverConfig("wal_level", "replica")
                .serverConfig("max_wal_senders", "4")
                .start()) {
            assertThat(postgres.port()).isEqualTo(port);
            assertThat(postgres.jdbcUrl("other")).isEqualTo("jdbc:postgresql://localhost:" + port + "/other");
            assertThat(query(postgres, "SHOW wal_level")).containsExactly("replica");
            assertThat(query(postgres, "SHOW max_wal_senders")).containsExactly("4");
            assertThat(query(postgres, "SHOW port")).containsExactly(Integer.toString(port));
        }
    }

    private static void execute(EmbeddedPostgres postgres, String... sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static List<String> query(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            return strings(statement, sql);
        }
    }

    private static List<String> strings(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
