package io.strata.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.producer.config.ProbeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ProbeCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ProbeCli.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "once", "loadgen"})
    void shouldPrintHelpForEveryCommand(String command) {
        int code = command.isEmpty() ? run("--help") : run(command, "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: strata-probe").contains("--help");
    }

    @Test
    void shouldListTheConfigurationFlagsInRunHelp() {
        run("run", "--help");

        assertThat(out.toString())
                .contains("--config", "--bootstrap-servers", "--node-name", "--node-role", "--interval")
                .contains("--spool-dir", "--postgres", "-D");
    }

    @Test
    void shouldExitWithUsageWithoutCommand() {
        assertThat(run()).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("Usage: strata-probe");
    }

    @Test
    void shouldExitNonZeroNamingKeyAndValueOfABadConfigValue() {
        int code = run("once", "--interval", "fast");

        assertThat(code).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("probe.interval").contains("'fast'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldExitNonZeroForABadValueGivenWithD() {
        int code = run("run", "-D", "probe.spool.fsync=maybe", "--bootstrap-servers", "localhost:1");

        assertThat(code).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("probe.spool.fsync").contains("'maybe'");
    }

    @Test
    void shouldRefuseToRunWithoutBootstrapServers() {
        int code = run("run", "--spool-dir", "/nonexistent/spool");

        assertThat(code).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("kafka.bootstrap.servers");
    }

    @Test
    void shouldRejectAnUnknownOption() {
        assertThat(run("once", "--frobnicate")).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--frobnicate");
    }

    @Test
    void shouldRequireNodesAndMetricsForLoadgen() {
        assertThat(run("loadgen", "--nodes", "3")).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--metrics");
    }

    @Test
    void shouldRejectABadLoadgenTime() {
        int code = run(
                "loadgen",
                "--nodes",
                "1",
                "--metrics",
                "1",
                "--from",
                "yesterday",
                "--to",
                "now",
                "--bootstrap-servers",
                "localhost:1");

        assertThat(code).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--from").contains("'yesterday'");
    }

    @Test
    void shouldRequireAnEndForLoadgenAtMaxRate() {
        int code = run("loadgen", "--nodes", "1", "--metrics", "1", "--from", "now-1h", "--bootstrap-servers", "x:1");

        assertThat(code).isEqualTo(ProbeCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--to");
    }

    @Test
    void shouldParseLoadgenTimes() {
        java.time.Clock clock =
                java.time.Clock.fixed(java.time.Instant.parse("2026-11-22T12:00:00Z"), java.time.ZoneOffset.UTC);

        assertThat(LoadgenCommand.time("--from", "now-1h", clock)).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(LoadgenCommand.time("--from", "now", clock)).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(LoadgenCommand.time("--from", "2026-01-01T00:00:00Z", clock)).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void shouldMapFlagsAndPassThroughKafkaProperties() {
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options)
                .parseArgs(
                        "--bootstrap-servers",
                        "b1:9092,b2:9092",
                        "--node-name",
                        "web-1",
                        "--node-role",
                        "replica",
                        "--interval",
                        "2s",
                        "--spool-dir",
                        "/tmp/spool",
                        "--postgres",
                        "main=jdbc:postgresql://db/postgres",
                        "--postgres",
                        "jdbc:postgresql://other/postgres",
                        "-D",
                        "kafka.security.protocol=SASL_SSL",
                        "-Dkafka.sasl.mechanism=PLAIN");

        ProbeConfig config = options.load(Map.of());

        assertThat(config.nodeName()).isEqualTo("web-1");
        assertThat(config.nodeRole()).isEqualTo("replica");
        assertThat(config.interval()).hasSeconds(2);
        assertThat(config.spoolDir()).hasToString("/tmp/spool");
        assertThat(config.postgres())
                .extracting(target -> target.name() + " " + target.url())
                .containsExactly("main jdbc:postgresql://db/postgres", "postgres2 jdbc:postgresql://other/postgres");
        assertThat(config.kafkaClientProperties())
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }
}
