package io.strata.e2e.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.EmbeddedPostgresExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7: an invalid configuration of each app (a missing key, a wrong type, a negative duration, an unreachable
 * broker or database) makes its real {@code main}, in its own JVM, exit non-zero with a message naming the key and
 * its value (never a secret's). The wait on each process is only a hang guard: a hang fails the case.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class InvalidConfigIT {

    /** Only to tell a hang from an exit: the unreachable cases wait their 5 s startup timeout, local mode more. */
    private static final long HANG_GUARD_MINUTES = 4;

    private static final String PROBE = "io.strata.producer.ProbeMain";
    private static final String STREAMS = "io.strata.streams.StreamsMain";
    private static final String SINK = "io.strata.sink.SinkMain";
    private static final String LOCAL = "io.strata.local.LocalMain";

    private static int closedPort;
    private static String reachableDbUrl;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp(EmbeddedPostgres postgres) throws IOException {
        closedPort = closedPort();
        reachableDbUrl = postgres.jdbcUrl();
    }

    /** A port nothing listens on: bound once to find it, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String closedKafka() {
        return "127.0.0.1:" + closedPort;
    }

    private static String closedDb() {
        return "jdbc:postgresql://127.0.0.1:" + closedPort + "/strata";
    }

    /**
     * One invalid configuration: the main class, its arguments (given the case's scratch directory), and what the
     * output must name.
     */
    record Case(String app, String kind, String mainClass, Function<Path, List<String>> args, List<String> named) {
        @Override
        public String toString() {
            return app + ": " + kind;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        // strata-probe run
                        new Case(
                                "probe",
                                "missing kafka.bootstrap.servers",
                                PROBE,
                                dir -> probe(dir),
                                List.of("kafka.bootstrap.servers", "required")),
                        new Case(
                                "probe",
                                "wrong type",
                                PROBE,
                                dir -> probe(dir, "--bootstrap-servers", closedKafka(), "-D", "probe.http.port=abc"),
                                List.of("probe.http.port", "'abc'")),
                        new Case(
                                "probe",
                                "negative duration",
                                PROBE,
                                dir -> probe(dir, "--bootstrap-servers", closedKafka(), "-D", "probe.interval=-5s"),
                                List.of("probe.interval", "'-5s'")),
                        new Case(
                                "probe",
                                "unreachable broker",
                                PROBE,
                                dir -> probe(dir, "--bootstrap-servers", closedKafka()),
                                List.of("kafka.bootstrap.servers", "'" + closedKafka() + "'", "probe.startup.timeout")),
                        // strata-streams
                        new Case(
                                "streams",
                                "missing kafka.bootstrap.servers",
                                STREAMS,
                                dir -> streams(dir),
                                List.of("kafka.bootstrap.servers", "required")),
                        new Case(
                                "streams",
                                "wrong type",
                                STREAMS,
                                dir -> streams(
                                        dir,
                                        "--set",
                                        "kafka.bootstrap.servers=" + closedKafka(),
                                        "--set",
                                        "topics.partitions=abc"),
                                List.of("topics.partitions", "'abc'")),
                        new Case(
                                "streams",
                                "negative duration",
                                STREAMS,
                                dir -> streams(
                                        dir,
                                        "--set",
                                        "kafka.bootstrap.servers=" + closedKafka(),
                                        "--set",
                                        "rollup.punctuate-interval=-5s"),
                                List.of("rollup.punctuate-interval", "'-5s'")),
                        new Case(
                                "streams",
                                "unreachable broker",
                                STREAMS,
                                dir -> streams(dir, "--set", "kafka.bootstrap.servers=" + closedKafka()),
                                List.of(
                                        "kafka.bootstrap.servers",
                                        "'" + closedKafka() + "'",
                                        "streams.startup.timeout")),
                        // strata-sink run
                        new Case(
                                "sink",
                                "missing db.url",
                                SINK,
                                dir -> sink("--bootstrap-servers", closedKafka()),
                                List.of("db.url", "required")),
                        new Case(
                                "sink",
                                "wrong type",
                                SINK,
                                dir -> sink(
                                        "--bootstrap-servers",
                                        closedKafka(),
                                        "--db-url",
                                        closedDb(),
                                        "-D",
                                        "db.pool-size=abc"),
                                List.of("db.pool-size", "'abc'")),
                        new Case(
                                "sink",
                                "negative duration",
                                SINK,
                                dir -> sink(
                                        "--bootstrap-servers",
                                        closedKafka(),
                                        "--db-url",
                                        closedDb(),
                                        "-D",
                                        "sink.maintenance.interval=-5s"),
                                List.of("sink.maintenance.interval", "'-5s'")),
                        new Case(
                                "sink",
                                "unreachable database",
                                SINK,
                                dir -> sink("--bootstrap-servers", closedKafka(), "--db-url", closedDb()),
                                List.of("db.url", "'" + closedDb() + "'", "sink.startup.timeout")),
                        new Case(
                                "sink",
                                "unreachable broker",
                                SINK,
                                dir -> sink(
                                        "--bootstrap-servers",
                                        closedKafka(),
                                        "--db-url",
                                        reachableDbUrl,
                                        "-D",
                                        "db.user=postgres"),
                                List.of("kafka.bootstrap.servers", "'" + closedKafka() + "'", "sink.startup.timeout")),
                        // strata-local
                        new Case(
                                "local",
                                "missing --data-dir value",
                                LOCAL,
                                dir -> List.of("--data-dir"),
                                List.of("--data-dir")),
                        new Case(
                                "local",
                                "wrong type",
                                LOCAL,
                                dir -> local(dir, "-D", "topics.partitions=abc"),
                                List.of("topics.partitions", "'abc'")),
                        new Case(
                                "local",
                                "negative duration",
                                LOCAL,
                                dir -> local(dir, "-D", "rollup.punctuate-interval=-5s"),
                                List.of("rollup.punctuate-interval", "'-5s'")),
                        new Case(
                                "local",
                                "unreachable broker",
                                LOCAL,
                                dir -> local(dir, "-D", "kafka.bootstrap.servers=" + closedKafka()),
                                List.of("kafka.bootstrap.servers", "'" + closedKafka() + "'", "startup.timeout")),
                        new Case(
                                "local",
                                "unreachable database",
                                LOCAL,
                                dir -> local(dir, "-D", "db.url=" + closedDb()),
                                List.of("db.url", "'" + closedDb() + "'", "sink.startup.timeout")))
                .map(Arguments::of);
    }

    private static List<String> probe(Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "-D",
                "probe.spool-dir=" + dir.resolve("spool"),
                "-D",
                "probe.http.port=-1",
                "-D",
                "probe.startup.timeout=5s"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> streams(Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--set",
                "kafka.state.dir=" + dir.resolve("state"),
                "--set",
                "streams.http.port=-1",
                "--set",
                "streams.startup.timeout=5s"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> sink(String... more) {
        List<String> args = new ArrayList<>(List.of("run", "-D", "sink.http.port=-1", "-D", "sink.startup.timeout=5s"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> local(Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir",
                dir.resolve("local").toString(),
                "--kafka-port",
                "0",
                "--pg-port",
                "0",
                "--no-probe",
                "-D",
                "sink.startup.timeout=5s",
                "-D",
                "streams.startup.timeout=5s"));
        args.addAll(List.of(more));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldExitNonZeroNamingTheKey(Case invalid) throws Exception {
        Exit exit = run(invalid.mainClass(), invalid.args().apply(dir));

        assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isNotZero();
        for (String named : invalid.named()) {
            assertThat(exit.output()).as("the output names %s", named).contains(named);
        }
    }

    @Test
    void shouldNotPrintAPasswordGivenInTheDatabaseUrl() throws Exception {
        String url = closedDb() + "?password=hunter2";

        Exit exit = run(SINK, sink("--bootstrap-servers", closedKafka(), "--db-url", url));

        assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isNotZero();
        assertThat(exit.output()).contains("db.url").doesNotContain("hunter2");
    }

    record Exit(int code, String output) {}

    /** Runs {@code mainClass} in a new JVM on this test's class path, with no {@code STRATA_*} variables. */
    private Exit run(String mainClass, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(args);
        Path output = Files.createTempFile(dir, "output", ".txt");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STRATA_"));
        Process process = builder.start();
        try {
            if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
                throw new AssertionError(mainClass + " " + args + " hung (no exit within " + HANG_GUARD_MINUTES
                        + " min); output:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
        return new Exit(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
