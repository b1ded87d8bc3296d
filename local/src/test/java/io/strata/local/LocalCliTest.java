package io.strata.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return LocalCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void shouldPrintUsageWithEveryOptionOnHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("strata-local", "--data-dir", "--kafka-port", "--pg-port", "--simulate-nodes", "--backfill")
                .contains("--duration", "-D");
    }

    @Test
    void shouldRejectAPortOutOfRangeNamingTheOption() {
        assertThat(run("--data-dir", dir.toString(), "--kafka-port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port", "70000");
    }

    @Test
    void shouldRejectABadDurationNamingTheOption() {
        assertThat(run("--data-dir", dir.toString(), "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--duration", "soon");
    }

    @Test
    void shouldRejectBackfillWithoutSimulatedNodes() {
        assertThat(run("--data-dir", dir.toString(), "--backfill", "26h")).isEqualTo(2);
        assertThat(err.toString()).contains("--backfill", "--simulate-nodes");
    }

    @Test
    void shouldRejectABadConfigurationValueNamingTheKeyBeforeStartingAnything() {
        Path data = dir.resolve("data");
        assertThat(run("--data-dir", data.toString(), "-D", "sink.http.port=abc"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("sink.http.port", "abc");
        assertThat(data).doesNotExist();
    }

    @Test
    void shouldRejectANonNumericOptionValue() {
        assertThat(run("--data-dir", dir.toString(), "--simulate-nodes", "many"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--simulate-nodes", "many");
    }
}
