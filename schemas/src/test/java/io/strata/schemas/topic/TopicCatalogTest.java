package io.strata.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    private static final String DELETE = TopicConfig.CLEANUP_POLICY_DELETE;
    private static final String COMPACT = TopicConfig.CLEANUP_POLICY_COMPACT;

    private final TopicCatalog defaults = TopicCatalog.from(StrataConfig.defaults());

    private static long days(long days) {
        return Duration.ofDays(days).toMillis();
    }

    @Test
    void shouldListTheSevenTopicsOfTheContract() {
        assertThat(defaults.topics())
                .extracting(TopicSpec::name)
                .containsExactly(
                        "strata.metrics.raw",
                        "strata.metrics.hourly",
                        "strata.metrics.daily",
                        "strata.inventory",
                        "strata.pgstate",
                        "strata.changes",
                        "strata.deadletter");
    }

    @Test
    void shouldDeleteByTierRetentionOnRawAndRollupTopics() {
        assertThat(defaults.topic(TopicCatalog.METRICS_RAW).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(30)));
        assertThat(defaults.topic(TopicCatalog.METRICS_HOURLY).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(365)));
        assertThat(defaults.topic(TopicCatalog.METRICS_DAILY).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(1826)));
    }

    @Test
    void shouldCompactInventoryAndPostgresState() {
        for (String topic : new String[] {TopicCatalog.INVENTORY, TopicCatalog.PGSTATE}) {
            assertThat(defaults.topic(topic).configs())
                    .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, COMPACT)
                    .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        }
    }

    @Test
    void shouldKeepChangesForeverAndDeadLettersByTheirRetention() {
        assertThat(defaults.topic(TopicCatalog.CHANGES).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "-1");
        assertThat(defaults.topic(TopicCatalog.DEADLETTER).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(30)));
    }

    @Test
    void shouldStampEveryTopicWithLogAppendTime() {
        assertThat(defaults.topics()).allSatisfy(spec -> assertThat(spec.configs())
                .containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
    }

    @Test
    void shouldUseSixPartitionsAndBrokerDefaultReplicationByDefault() {
        assertThat(defaults.topics()).allSatisfy(spec -> {
            assertThat(spec.partitions()).isEqualTo(6);
            assertThat(spec.replicationFactor()).isEqualTo(TopicSpec.BROKER_DEFAULT_REPLICATION);
            assertThat(spec.explicitReplicationFactor()).isEmpty();
        });
    }

    @Test
    void shouldTakeRetentionFromThePolicy() {
        TopicCatalog catalog = TopicCatalog.from(StrataConfig.of(
                Map.of("retention.raw", "7d", "retention.changes", "400d", "retention.deadletter", "12h")));

        assertThat(catalog.topic(TopicCatalog.METRICS_RAW).configs())
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(7)));
        assertThat(catalog.topic(TopicCatalog.CHANGES).configs())
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(days(400)));
        assertThat(catalog.topic(TopicCatalog.DEADLETTER).configs())
                .containsEntry(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(Duration.ofHours(12).toMillis()));
    }

    @Test
    void shouldApplyPartitionsAndReplicationFromConfigWithPerTopicOverride() {
        TopicCatalog catalog = TopicCatalog.from(StrataConfig.builder()
                .environment(Map.of("STRATA_TOPICS_STRATA_METRICS_RAW_PARTITIONS", "24"))
                .overrides(Map.of("topics.partitions", "12", "topics.replication-factor", "3"))
                .build());

        assertThat(catalog.topic(TopicCatalog.METRICS_RAW).partitions()).isEqualTo(24);
        assertThat(catalog.topic(TopicCatalog.INVENTORY).partitions()).isEqualTo(12);
        assertThat(catalog.topics())
                .allSatisfy(spec -> assertThat(spec.explicitReplicationFactor()).contains((short) 3));
    }

    @Test
    void shouldRejectBadPartitionsAndReplicationNamingTheKey() {
        assertThatThrownBy(() -> TopicCatalog.from(StrataConfig.of(Map.of("topics.partitions", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topics.partitions: invalid value '0' (expected an integer >= 1)");
        assertThatThrownBy(() -> TopicCatalog.from(StrataConfig.of(Map.of("topics.strata.changes.partitions", "-2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topics.strata.changes.partitions: invalid value '-2' (expected an integer >= 1)");
        assertThatThrownBy(() -> TopicCatalog.from(StrataConfig.of(Map.of("topics.replication-factor", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("topics.replication-factor: invalid value '0'");
    }

    @Test
    void shouldRejectInvalidRetentionBeforeBuildingTopics() {
        assertThatThrownBy(() -> TopicCatalog.from(StrataConfig.of(Map.of("retention.raw", "-5d"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("retention.raw: invalid duration '-5d'");
    }

    @Test
    void shouldBuildCreateRequestsCarryingTheSpec() {
        NewTopic request = defaults.topic(TopicCatalog.CHANGES).newTopic();

        assertThat(request.name()).isEqualTo("strata.changes");
        assertThat(request.numPartitions()).isEqualTo(6);
        assertThat(request.replicationFactor()).isEqualTo((short) -1);
        assertThat(request.configs())
                .isEqualTo(defaults.topic(TopicCatalog.CHANGES).configs());
    }

    @Test
    void shouldRejectUnknownTopicName() {
        assertThatThrownBy(() -> defaults.topic("strata.nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strata.nope");
    }

    @Test
    void shouldSummariseReport() {
        ReconcileReport clean = new ReconcileReport(java.util.List.of(), java.util.List.of(), java.util.List.of());
        ReconcileReport changed = new ReconcileReport(
                java.util.List.of(),
                java.util.List.of(new ConfigCorrection("strata.metrics.raw", "retention.ms", "3600000", "2592000000")),
                java.util.List.of());

        assertThat(clean.isClean()).isTrue();
        assertThat(changed.hasChanges()).isTrue();
        assertThat(changed.corrected().get(0)).hasToString("strata.metrics.raw retention.ms: 3600000 -> 2592000000");
    }
}
