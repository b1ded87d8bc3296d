package io.strata.producer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeConfigTest {

    private static ProbeConfig load(Map<String, String> overrides) {
        return ProbeConfig.load(null, Map.of(), overrides);
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        ProbeConfig config = load(Map.of());

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.inventoryInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.inventoryHeartbeat()).isEqualTo(Duration.ofHours(6));
        assertThat(config.nodeRole()).isEqualTo("client");
        assertThat(config.nodeName()).isEqualTo(ProbeConfig.hostName()).isNotBlank();
        assertThat(config.configuredNodeId()).isEmpty();
        assertThat(config.spoolDir().endsWith(Path.of(".strata-probe", "spool")))
                .isTrue();
        assertThat(config.spoolMaxBytes()).isEqualTo(256L << 20);
        assertThat(config.spoolSegmentBytes()).isEqualTo(1L << 20);
        assertThat(config.spoolFsync()).isEqualTo(FsyncPolicy.INTERVAL);
        assertThat(config.httpPort()).isEqualTo(9464);
        assertThat(config.metricsTopic()).isEqualTo("strata.metrics.raw");
        assertThat(config.inventoryTopic()).isEqualTo("strata.inventory");
        assertThat(config.filesystemExcludeTypes()).contains("tmpfs", "overlay");
        assertThat(config.watchFiles()).isEmpty();
        assertThat(config.postgres()).isEmpty();
    }

    @Test
    void shouldTakeOverridesOverDefaults() {
        ProbeConfig config = load(Map.of(
                "probe.interval", "1s",
                "probe.node-name", "db-1",
                "probe.node-role", "primary",
                "probe.spool.fsync", "ALWAYS",
                "probe.spool.max-bytes", "10KiB",
                "probe.spool.segment-bytes", "2048",
                "probe.watch-files", "/etc/hosts, /etc/os-release"));

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.nodeName()).isEqualTo("db-1");
        assertThat(config.nodeRole()).isEqualTo("primary");
        assertThat(config.spoolFsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(config.spoolMaxBytes()).isEqualTo(10240);
        assertThat(config.spoolSegmentBytes()).isEqualTo(2048);
        assertThat(config.watchFiles()).containsExactly(Path.of("/etc/hosts"), Path.of("/etc/os-release"));
    }

    @Test
    void shouldReadKeysFromTheEnvironment() {
        ProbeConfig config = ProbeConfig.load(
                null, Map.of("STRATA_PROBE_INVENTORY_INTERVAL", "1m", "STRATA_PROBE_NODE_ROLE", "replica"), Map.of());

        assertThat(config.inventoryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.nodeRole()).isEqualTo("replica");
    }

    @Test
    void shouldRejectABadIntervalNamingKeyAndValue() {
        assertThatThrownBy(() -> load(Map.of("probe.interval", "often")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.interval")
                .hasMessageContaining("'often'");
    }

    @Test
    void shouldRejectAnIntervalBelowOneHundredMilliseconds() {
        assertThatThrownBy(() -> load(Map.of("probe.interval", "10ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.interval")
                .hasMessageContaining("'10ms'");
    }

    @Test
    void shouldRejectAnUnknownFsyncPolicy() {
        assertThatThrownBy(() -> load(Map.of("probe.spool.fsync", "sometimes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.spool.fsync")
                .hasMessageContaining("'sometimes'")
                .hasMessageContaining("always, interval or never");
    }

    @Test
    void shouldRejectABadSize() {
        assertThatThrownBy(() -> load(Map.of("probe.spool.max-bytes", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.spool.max-bytes")
                .hasMessageContaining("'lots'");
    }

    @Test
    void shouldRejectSegmentsLargerThanTheBound() {
        assertThatThrownBy(() -> load(Map.of("probe.spool.max-bytes", "1KiB", "probe.spool.segment-bytes", "4KiB")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.spool.segment-bytes");
    }

    @Test
    void shouldRejectAPortOutOfRange() {
        assertThatThrownBy(() -> load(Map.of("probe.http.port", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.http.port")
                .hasMessageContaining("'70000'");
    }

    @Test
    void shouldReadPostgresTargetsWithAPasswordFileAndMaskIt(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("pg-password"), "s3cret\n");

        ProbeConfig config = load(Map.of(
                "probe.postgres.main.url", "jdbc:postgresql://localhost:5432/postgres",
                "probe.postgres.main.user", "strata",
                "probe.postgres.main.password-file", secret.toString(),
                "probe.postgres.main.databases", "app, billing",
                "probe.postgres.replica.url", "jdbc:postgresql://replica/postgres"));

        assertThat(config.postgres()).hasSize(2);
        PostgresTarget main = config.postgres().get(0);
        assertThat(main.name()).isEqualTo("main");
        assertThat(main.user()).isEqualTo("strata");
        assertThat(main.password()).isEqualTo("s3cret");
        assertThat(main.databases()).containsExactly("app", "billing");
        assertThat(main.toString()).doesNotContain("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(config.postgres().get(1).password()).isNull();
    }

    @Test
    void shouldRejectAPostgresTargetWithoutJdbcUrl() {
        assertThatThrownBy(() -> load(Map.of("probe.postgres.main.url", "postgres://localhost")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("probe.postgres.main.url")
                .hasMessageContaining("'postgres://localhost'");
    }

    @Test
    void shouldRequireBootstrapServersOnlyForTheKafkaClient() {
        ProbeConfig config = load(Map.of());

        assertThatThrownBy(config::kafkaClientProperties)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers");
        assertThat(load(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.security.protocol", "SSL"))
                        .kafkaClientProperties())
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldParseSizes() {
        assertThat(ByteSizes.parse("1048576")).isEqualTo(1048576);
        assertThat(ByteSizes.parse("512KiB")).isEqualTo(512 * 1024);
        assertThat(ByteSizes.parse("10 MB")).isEqualTo(10_000_000);
        assertThat(ByteSizes.parse("1gib")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> ByteSizes.parse("1.5GB")).isInstanceOf(IllegalArgumentException.class);
    }
}
