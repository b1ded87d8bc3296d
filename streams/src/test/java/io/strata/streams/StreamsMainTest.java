package io.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.StrataConfig;
import io.strata.streams.rollup.RollupSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsMainTest {

    @TempDir
    Path dir;

    @Test
    void shouldDefaultToExactlyOnceAndTheStreamsApplicationId() {
        StrataConfig config = StreamsMain.loadConfig(List.of("--set", "kafka.bootstrap.servers=broker:9092"), Map.of());

        Properties properties = StreamsApp.streamsProperties(config);

        assertThat(properties)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "strata-streams")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsKey(StreamsConfig.STATE_DIR_CONFIG);
        RollupSettings settings = RollupSettings.from(config);
        assertThat(settings.relativeAccuracy()).isEqualTo(0.01);
        assertThat(settings.punctuateInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldLetFileEnvironmentAndFlagsOverrideTheDefaults() throws Exception {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\nkafka.num.stream.threads=4\n");

        StrataConfig config = StreamsMain.loadConfig(
                List.of("--config", file.toString(), "--set", "rollup.sketch.relative-accuracy=0.02"),
                Map.of("STRATA_KAFKA_NUM_STANDBY_REPLICAS", "2"));

        Properties properties = StreamsApp.streamsProperties(config);
        assertThat(properties)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "2");
        assertThat(RollupSettings.from(config).relativeAccuracy()).isEqualTo(0.02);
    }

    @Test
    void shouldRejectABadRelativeAccuracyNamingTheKey() {
        StrataConfig config = StreamsMain.loadConfig(List.of("--set", "rollup.sketch.relative-accuracy=2"), Map.of());

        assertThatThrownBy(() -> RollupSettings.from(config)).hasMessageContaining("rollup.sketch.relative-accuracy");
    }

    @Test
    void shouldExitWithUsageErrorForUnknownArgumentsOrMissingBootstrapServers() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(StreamsMain.run(List.of("--bogus"), Map.of(), print)).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(StreamsMain.run(List.of(), Map.of(), print)).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown argument '--bogus'")
                .contains("kafka.bootstrap.servers");
    }
}
