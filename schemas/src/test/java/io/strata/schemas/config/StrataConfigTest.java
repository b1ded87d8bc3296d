package io.strata.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StrataConfigTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void shouldLetFileWinOverDefaultsEnvOverFileAndOverridesOverEnv() throws IOException {
        Path file = write("strata.properties", "retention.raw=40d\nretention.hourly=400d\nretention.daily=2000d\n");

        StrataConfig config = StrataConfig.builder()
                .file(file)
                .environment(Map.of("STRATA_RETENTION_HOURLY", "500d", "STRATA_RETENTION_DAILY", "3000d"))
                .overrides(Map.of("retention.daily", "4000d"))
                .build();

        assertThat(config.getString("retention.deadletter")).isEqualTo("30d"); // defaults
        assertThat(config.getString("retention.raw")).isEqualTo("40d"); // file
        assertThat(config.getString("retention.hourly")).isEqualTo("500d"); // environment
        assertThat(config.getString("retention.daily")).isEqualTo("4000d"); // override
        assertThat(config.describe())
                .contains("retention.deadletter=30d  (defaults " + StrataConfig.STRATA_DEFAULTS + ")")
                .contains("retention.raw=40d  (file " + file + ")")
                .contains("retention.hourly=500d  (environment STRATA_RETENTION_HOURLY)")
                .contains("retention.daily=4000d  (override)");
    }

    @Test
    void shouldReadAppDefaultsAfterStrataDefaults() {
        StrataConfig config = StrataConfig.builder()
                .defaults("io/strata/schemas/config/app-defaults.properties")
                .environment(Map.of())
                .build();

        assertThat(config.getString("retention.raw")).isEqualTo("45d");
        assertThat(config.getString("retention.hourly")).isEqualTo("365d");
        assertThat(config.getInt("app.pool.max-size")).isEqualTo(4);
    }

    @Test
    void shouldFailOnMissingDefaultsResourceAsPackagingBug() {
        assertThatThrownBy(() -> StrataConfig.builder()
                        .defaults("io/strata/nope.properties")
                        .environment(Map.of())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io/strata/nope.properties");
    }

    @Test
    void shouldFlattenNestedYamlToDottedKeys() throws IOException {
        Path file = write("strata.yaml", """
                kafka:
                  bootstrap.servers: broker-1:9092,broker-2:9092
                  security:
                    protocol: SASL_SSL
                retention:
                  raw: 40d
                  snapshots:
                    automated-keep: 3
                probe:
                  collectors: [cpu, memory, disk]
                  enabled: no
                db.password: 0123
                db.user:
                """);

        StrataConfig config =
                StrataConfig.builder().file(file).environment(Map.of()).build();

        assertThat(config.getString("kafka.bootstrap.servers")).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(config.getString("kafka.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(config.getDuration("retention.raw")).isEqualTo(Duration.ofDays(40));
        assertThat(config.getInt("retention.snapshots.automated-keep")).isEqualTo(3);
        assertThat(config.getList("probe.collectors")).containsExactly("cpu", "memory", "disk");
        // No YAML type guessing: values stay as written.
        assertThat(config.getString("probe.enabled")).isEqualTo("no");
        assertThat(config.getString("db.password")).isEqualTo("0123");
        assertThat(config.has("db.user")).isFalse();
    }

    @Test
    void shouldAcceptYmlExtensionAndEmptyYaml() throws IOException {
        StrataConfig config = StrataConfig.builder()
                .file(write("empty.yml", ""))
                .environment(Map.of())
                .build();

        assertThat(config.getString("retention.raw")).isEqualTo("30d");
    }

    @Test
    void shouldRejectInvalidYamlNamingTheFile() throws IOException {
        Path file = write("bad.yaml", "retention: [unclosed\n");

        assertThatThrownBy(() ->
                        StrataConfig.builder().file(file).environment(Map.of()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--config: invalid YAML in '" + file + "'");
    }

    @Test
    void shouldRejectYamlThatIsNotAMap() throws IOException {
        Path file = write("list.yaml", "- a\n- b\n");

        assertThatThrownBy(() ->
                        StrataConfig.builder().file(file).environment(Map.of()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a map");
    }

    @Test
    void shouldRejectUnsupportedAndMissingConfigFiles() throws IOException {
        Path text = write("strata.txt", "a=b");
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() ->
                        StrataConfig.builder().file(text).environment(Map.of()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "--config: unsupported file type '" + text + "' (expected a .properties, .yaml or .yml file)");
        assertThatThrownBy(() -> StrataConfig.builder()
                        .file(missing)
                        .environment(Map.of())
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("--config: file not found '" + missing + "'");
    }

    @Test
    void shouldMapEnvironmentVariablesBackToDashedKeys() {
        StrataConfig config = StrataConfig.builder()
                .declare("db.pool.max-size")
                .environment(Map.of(
                        "STRATA_RETENTION_SNAPSHOTS_AUTOMATED_KEEP", "3",
                        "STRATA_DB_POOL_MAX_SIZE", "8",
                        "STRATA_TOPICS_REPLICATION_FACTOR", "3"))
                .build();

        assertThat(config.getInt("retention.snapshots.automated-keep")).isEqualTo(3);
        assertThat(config.getInt("db.pool.max-size")).isEqualTo(8);
        assertThat(config.getInt("topics.replication-factor")).isEqualTo(3);
        assertThat(config.keys()).doesNotContain("retention.snapshots.automated.keep", "db.pool.max.size");
    }

    @Test
    void shouldMapUnknownKafkaEnvironmentVariablesToDottedKeys() {
        StrataConfig config = StrataConfig.builder()
                .environment(Map.of(
                        "STRATA_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                        "STRATA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "STRATA_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                        "PATH", "/usr/bin",
                        "STRATA_", "ignored"))
                .build();

        assertThat(config.getString("kafka.bootstrap.servers")).isEqualTo("broker:9092");
        assertThat(config.kafkaClientProperties())
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.keys()).noneMatch(key -> key.toLowerCase().contains("path"));
    }

    @Test
    void shouldRejectEnvironmentVariableMatchingTwoDeclaredKeys() {
        assertThatThrownBy(() -> StrataConfig.builder()
                        .declare("app.max-size", "app.max.size")
                        .environment(Map.of("STRATA_APP_MAX_SIZE", "1"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("STRATA_APP_MAX_SIZE: ambiguous environment variable");
    }

    @Test
    void shouldPassKafkaKeysThroughExceptTheAppsOwn() {
        StrataConfig config = StrataConfig.builder()
                .nonClientKafkaKeys("kafka.topic-check")
                .environment(Map.of())
                .overrides(Map.of(
                        "kafka.bootstrap.servers", "broker:9092",
                        "kafka.acks", "all",
                        "kafka.topic-check", "true",
                        "db.url", "jdbc:postgresql://db/strata"))
                .build();

        assertThat(config.kafkaClientProperties())
                .containsOnlyKeys("bootstrap.servers", "acks")
                .containsEntry("acks", "all");
        assertThat(config.withPrefix("db.")).containsExactly(Map.entry("url", "jdbc:postgresql://db/strata"));
    }

    @Test
    void shouldNameKeyAndEnvironmentVariableWhenRequiredKeyIsMissing() {
        StrataConfig config = StrataConfig.defaults();

        assertThatThrownBy(config::kafkaClientProperties)
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.bootstrap.servers: required but not set (set it in the --config file or with the"
                        + " environment variable STRATA_KAFKA_BOOTSTRAP_SERVERS)");
        assertThatThrownBy(() -> config.getString("db.url"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.url")
                .hasMessageContaining("STRATA_DB_URL")
                .satisfies(e -> assertThat(((ConfigException) e).key()).contains("db.url"));
    }

    @Test
    void shouldTreatEmptyValueAsUnset() {
        StrataConfig config = StrataConfig.builder()
                .environment(Map.of("STRATA_RETENTION_DEADLETTER", ""))
                .overrides(Map.of("retention.raw", "  "))
                .build();

        assertThat(config.has("retention.raw")).isFalse();
        assertThat(config.find("retention.deadletter")).isEmpty();
        assertThat(config.has("topics.replication-factor")).isFalse();
    }

    @Test
    void shouldReadSecretFromFileDroppingTrailingNewline() throws IOException {
        Path secret = write("db-password", "s3cr3t pass\n");
        Path jaas = write("jaas", "org.apache.kafka.common.security.scram.ScramLoginModule required;\r\n");

        StrataConfig config = StrataConfig.builder()
                .file(write("strata.properties", "db.password-file=" + secret + "\n"))
                .environment(Map.of("STRATA_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString()))
                .build();

        assertThat(config.getString("db.password")).isEqualTo("s3cr3t pass");
        assertThat(config.getString("kafka.sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required;");
        assertThat(config.keys()).doesNotContain("db.password-file", "kafka.sasl.jaas.config-file");
        assertThat(config.describe()).contains("db.password=****  (db.password-file " + secret);
    }

    @Test
    void shouldReadSecretFileNamedByEnvironmentForDeclaredKey() throws IOException {
        Path secret = write("token", "abc\n");

        StrataConfig config = StrataConfig.builder()
                .declare("api.token")
                .environment(Map.of("STRATA_API_TOKEN_FILE", secret.toString()))
                .build();

        assertThat(config.getString("api.token")).isEqualTo("abc");
    }

    @Test
    void shouldLetLaterPlainValueReplaceEarlierSecretFile() throws IOException {
        StrataConfig config = StrataConfig.builder()
                .file(write("strata.properties", "db.password-file=/does/not/exist\n"))
                .environment(Map.of())
                .overrides(Map.of("db.password", "from-cli"))
                .build();

        assertThat(config.getString("db.password")).isEqualTo("from-cli");
    }

    @Test
    void shouldKeepDeclaredKeysEndingInFileAsOrdinaryValues() {
        StrataConfig config = StrataConfig.builder()
                .defaults("io/strata/schemas/config/app-defaults.properties")
                .environment(Map.of())
                .build();

        assertThat(config.getPath("probe.spool-file")).isEqualTo(Path.of("/var/lib/strata/spool"));
    }

    @Test
    void shouldRejectValueAndSecretFileInTheSameSource() throws IOException {
        Path file = write("strata.properties", "db.password=x\ndb.password-file=/run/secrets/db\n");

        assertThatThrownBy(() ->
                        StrataConfig.builder().file(file).environment(Map.of()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("db.password: given both as db.password and as db.password-file");
    }

    @Test
    void shouldNameKeyAndPathWhenSecretFileCannotBeRead() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> StrataConfig.builder()
                        .environment(Map.of())
                        .overrides(Map.of("db.password-file", missing.toString()))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("db.password-file: cannot read secret file '" + missing + "' (NoSuchFileException)");
    }

    @Test
    void shouldMaskSecretsInToStringAndDescribe() {
        StrataConfig config = StrataConfig.of(Map.of(
                "db.password", "hunter2",
                "kafka.sasl.jaas.config", "LoginModule required password=\"jaas-pw\";",
                "kafka.ssl.keystore.password", "ks-pw",
                "api.token", "tok-123",
                "oauth.client-secret", "cs-456",
                "db.user", "strata"));

        for (String shown : new String[] {config.toString(), config.describe()}) {
            assertThat(shown)
                    .doesNotContain("hunter2", "jaas-pw", "ks-pw", "tok-123", "cs-456")
                    .contains("db.password=****", "kafka.sasl.jaas.config=****", "api.token=****")
                    .contains("db.user=strata");
        }
    }

    @Test
    void shouldMaskValuesThatEmbedASecret() {
        StrataConfig config = StrataConfig.of(Map.of("db.url", "jdbc:postgresql://db/strata?user=s&password=hunter2"));

        assertThat(config.toString()).contains("db.url=****").doesNotContain("hunter2");
        assertThat(config.describe()).doesNotContain("hunter2");
        assertThatThrownBy(() -> config.getInt("db.url")).hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldNotPrintSecretValueInErrors() {
        StrataConfig config = StrataConfig.of(Map.of("db.password", "hunter2"));

        assertThatThrownBy(() -> config.getInt("db.password"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("db.password: invalid integer")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @CsvSource({
        "30d, PT720H",
        "12h, PT12H",
        "10m, PT10M",
        "10s, PT10S",
        "500ms, PT0.5S",
        "PT10S, PT10S",
        "pt1h30m, PT1H30M",
        "' 5d ', PT120H",
        "7D, PT168H"
    })
    void shouldParseDurations(String text, String iso) {
        StrataConfig config = StrataConfig.of(Map.of("probe.interval", text));

        assertThat(config.getDuration("probe.interval")).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5d", "0s", "0ms", "5w", "abc", "1.5h", "5 days", "d", "PT-10S", "99999999999999d"})
    void shouldRejectBadDurationsNamingKeyValueAndExpectation(String text) {
        StrataConfig config = StrataConfig.of(Map.of("retention.raw", text));

        assertThatThrownBy(() -> config.getDuration("retention.raw"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.raw: invalid duration '" + text.strip()
                        + "' (expected a positive duration like 30d, 12h, 10m, 10s or 500ms)");
    }

    @Test
    void shouldReadTypedValues() {
        StrataConfig config = StrataConfig.of(Map.of(
                "a.int", " 42 ",
                "a.long", "9000000000",
                "a.bool", "TRUE",
                "a.path", "/var/lib/strata",
                "a.list", " x, y ,,z "));

        assertThat(config.getInt("a.int")).isEqualTo(42);
        assertThat(config.getInt("a.missing", 7)).isEqualTo(7);
        assertThat(config.getLong("a.long")).isEqualTo(9_000_000_000L);
        assertThat(config.getBoolean("a.bool")).isTrue();
        assertThat(config.getPath("a.path")).isEqualTo(Path.of("/var/lib/strata"));
        assertThat(config.getList("a.list")).containsExactly("x", "y", "z");
        assertThat(config.getList("a.missing")).isEmpty();
    }

    @Test
    void shouldRejectBadTypedValuesNamingKeyAndValue() {
        StrataConfig config = StrataConfig.of(Map.of("a.int", "4x", "a.long", "1e3", "a.bool", "yes"));

        assertThatThrownBy(() -> config.getInt("a.int"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.int: invalid integer '4x' (expected an integer)");
        assertThatThrownBy(() -> config.getLong("a.long"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.long: invalid integer '1e3' (expected an integer)");
        assertThatThrownBy(() -> config.getBoolean("a.bool"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.bool: invalid boolean 'yes' (expected true or false)");
        assertThat(config.invalid("a.int", "an integer >= 1"))
                .hasMessage("a.int: invalid value '4x' (expected an integer >= 1)");
    }

    @Test
    void shouldNameEnvironmentVariablesByConvention() {
        assertThat(StrataConfig.envVarFor("db.url")).isEqualTo("STRATA_DB_URL");
        assertThat(StrataConfig.envVarFor("retention.snapshots.automated-keep"))
                .isEqualTo("STRATA_RETENTION_SNAPSHOTS_AUTOMATED_KEEP");
    }
}
