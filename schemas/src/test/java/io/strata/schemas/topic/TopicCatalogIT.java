package io.strata.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedKafkaExtension;
import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciles the catalog against a real broker. The broker is shared by the test run, so every test starts by deleting
 * the catalog's topics, and the class deletes them again when it is done.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TopicCatalogIT {

    private static final List<String> ALL_TOPICS = List.of(
            TopicCatalog.METRICS_RAW,
            TopicCatalog.METRICS_HOURLY,
            TopicCatalog.METRICS_DAILY,
            TopicCatalog.INVENTORY,
            TopicCatalog.PGSTATE,
            TopicCatalog.CHANGES,
            TopicCatalog.DEADLETTER);

    private final EmbeddedKafka kafka;
    private final StrataConfig config;
    private final Admin admin;

    TopicCatalogIT(EmbeddedKafka kafka) {
        this.kafka = kafka;
        this.config = configFor(kafka, Map.of());
        this.admin = Admin.create(config.kafkaClientProperties());
    }

    private static StrataConfig configFor(EmbeddedKafka kafka, Map<String, String> more) {
        Map<String, String> overrides = new java.util.HashMap<>(more);
        overrides.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        return StrataConfig.of(overrides);
    }

    @BeforeEach
    void deleteCatalogTopics() throws Exception {
        deleteTopics(admin);
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @AfterAll
    static void leaveNoTopicsBehind(EmbeddedKafka kafka) throws Exception {
        try (Admin cleaner = Admin.create(configFor(kafka, Map.of()).kafkaClientProperties())) {
            deleteTopics(cleaner);
        }
    }

    private static void deleteTopics(Admin admin) throws Exception {
        Set<String> present = admin.listTopics().names().get();
        List<String> ours = ALL_TOPICS.stream().filter(present::contains).toList();
        if (ours.isEmpty()) {
            return;
        }
        admin.deleteTopics(ours).all().get();
        // Deletion is acknowledged by the controller; wait until the broker's metadata no longer lists them.
        for (int attempt = 0; attempt < 100; attempt++) {
            Set<String> names = admin.listTopics().names().get();
            if (ours.stream().noneMatch(names::contains)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("topics still listed after deletion: " + ours);
    }

    private Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .size();
    }

    private void alter(String topic, String key, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Collection<AlterConfigOp>> change =
                Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(change).all().get();
        // The controller acknowledges before the broker's metadata shows it: wait, so the test drifts for real.
        for (int attempt = 0; attempt < 100; attempt++) {
            if (value.equals(topicConfig(topic).get(key).value())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(topic + " " + key + " never showed " + value);
    }

    private void createByHand(NewTopic... topics) throws Exception {
        admin.createTopics(List.of(topics)).all().get();
        for (NewTopic topic : topics) {
            for (int attempt = 0; attempt < 100; attempt++) {
                try {
                    partitions(topic.name());
                    break;
                } catch (ExecutionException e) {
                    Thread.sleep(100);
                }
            }
        }
    }

    @Test
    void shouldCreateTopicsWithPolicyRetentionCleanupPolicyAndLogAppendTime() throws Exception {
        TopicCatalog catalog = TopicCatalog.from(config);

        ReconcileReport report = catalog.reconcile(admin);

        assertThat(report.created()).containsExactlyElementsOf(ALL_TOPICS);
        assertThat(report.corrected()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        for (TopicSpec spec : catalog.topics()) {
            Config actual = topicConfig(spec.name());
            assertThat(partitions(spec.name())).as(spec.name()).isEqualTo(6);
            assertThat(actual.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())
                    .as(spec.name())
                    .isEqualTo("LogAppendTime");
            spec.configs().forEach((key, value) -> assertThat(actual.get(key).value())
                    .as(spec.name() + " " + key)
                    .isEqualTo(value));
        }
        assertThat(topicConfig(TopicCatalog.METRICS_RAW)
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
        assertThat(topicConfig(TopicCatalog.METRICS_DAILY)
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo(Long.toString(Duration.ofDays(1826).toMillis()));
        assertThat(topicConfig(TopicCatalog.CHANGES)
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo("-1");
        assertThat(topicConfig(TopicCatalog.INVENTORY)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                        .value())
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(topicConfig(TopicCatalog.PGSTATE)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                        .value())
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void shouldChangeNothingOnSecondReconcile() throws Exception {
        TopicCatalog catalog = TopicCatalog.from(config);
        catalog.reconcile(admin);
        String rawRetention = topicConfig(TopicCatalog.METRICS_RAW)
                .get(TopicConfig.RETENTION_MS_CONFIG)
                .value();

        ReconcileReport second = catalog.reconcile(admin);

        assertThat(second.hasChanges()).isFalse();
        assertThat(second.isClean()).isTrue();
        assertThat(topicConfig(TopicCatalog.METRICS_RAW)
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo(rawRetention);
    }

    @Test
    void shouldCorrectDriftedConfigsAndReportOldAndNewValues() throws Exception {
        TopicCatalog catalog = TopicCatalog.from(config);
        catalog.reconcile(admin);
        alter(TopicCatalog.METRICS_RAW, TopicConfig.RETENTION_MS_CONFIG, "3600000");
        alter(TopicCatalog.INVENTORY, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");

        ReconcileReport report = catalog.reconcile(admin);

        String thirtyDays = Long.toString(Duration.ofDays(30).toMillis());
        assertThat(report.created()).isEmpty();
        assertThat(report.corrected())
                .containsExactlyInAnyOrder(
                        new ConfigCorrection(
                                TopicCatalog.METRICS_RAW, TopicConfig.RETENTION_MS_CONFIG, "3600000", thirtyDays),
                        new ConfigCorrection(
                                TopicCatalog.INVENTORY,
                                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                                "CreateTime",
                                "LogAppendTime"));
        assertThat(topicConfig(TopicCatalog.METRICS_RAW)
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo(thirtyDays);
        assertThat(topicConfig(TopicCatalog.INVENTORY)
                        .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)
                        .value())
                .isEqualTo("LogAppendTime");
        assertThat(catalog.reconcile(admin).isClean()).isTrue();
    }

    @Test
    void shouldApplyChangedPolicyToExistingTopics() throws Exception {
        TopicCatalog.from(config).reconcile(admin);
        TopicCatalog shorter = TopicCatalog.from(configFor(kafka, Map.of("retention.deadletter", "7d")));

        ReconcileReport report = shorter.reconcile(admin);

        assertThat(report.corrected())
                .containsExactly(new ConfigCorrection(
                        TopicCatalog.DEADLETTER,
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(Duration.ofDays(30).toMillis()),
                        Long.toString(Duration.ofDays(7).toMillis())));
    }

    @Test
    void shouldReportFewerPartitionsThanConfiguredWithoutGrowingThem() throws Exception {
        createByHand(
                new NewTopic(TopicCatalog.METRICS_RAW, 2, (short) 1),
                new NewTopic(TopicCatalog.INVENTORY, 8, (short) 1));
        TopicCatalog catalog = TopicCatalog.from(config);

        ReconcileReport report = catalog.reconcile(admin);

        assertThat(report.warnings())
                .singleElement()
                .asString()
                .contains("strata.metrics.raw has 2 partitions but 6 are configured")
                .contains("topics.strata.metrics.raw.partitions=2");
        assertThat(partitions(TopicCatalog.METRICS_RAW)).isEqualTo(2);
        assertThat(partitions(TopicCatalog.INVENTORY)).isEqualTo(8);
        // The hand-made topics still get the catalog's configs.
        assertThat(report.corrected())
                .contains(new ConfigCorrection(
                        TopicCatalog.METRICS_RAW,
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                        "CreateTime",
                        "LogAppendTime"));
        assertThat(report.created()).doesNotContain(TopicCatalog.METRICS_RAW, TopicCatalog.INVENTORY);
        // Reported again on every run until an operator acts, but nothing else changes.
        ReconcileReport again = catalog.reconcile(admin);
        assertThat(again.hasChanges()).isFalse();
        assertThat(again.warnings()).hasSize(1);
    }

    @Test
    void shouldAcceptTopicCreatedConcurrentlyByAnotherInstance() throws Exception {
        TopicCatalog catalog = TopicCatalog.from(config);
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<ReconcileReport>> runs = new ArrayList<>();
        List<Admin> admins =
                List.of(Admin.create(config.kafkaClientProperties()), Admin.create(config.kafkaClientProperties()));
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            for (Admin each : admins) {
                runs.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                together.await();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            return catalog.reconcile(each);
                        },
                        instances));
            }
            List<String> created = new ArrayList<>();
            for (CompletableFuture<ReconcileReport> run : runs) {
                ReconcileReport report = run.get();
                assertThat(report.warnings()).isEmpty();
                assertThat(report.corrected()).isEmpty();
                created.addAll(report.created());
            }
            // Each topic created exactly once between the two instances, and neither failed.
            assertThat(created).containsExactlyInAnyOrderElementsOf(ALL_TOPICS);
        } finally {
            instances.shutdown();
            admins.forEach(Admin::close);
        }
    }

    @Test
    void shouldStampRecordsWithAppendTimeSoBackfillsDoNotExpireOnArrival() throws Exception {
        TopicCatalog.from(config).reconcile(admin);
        long sixtyDaysAgo = System.currentTimeMillis() - Duration.ofDays(60).toMillis();
        long beforeSend = System.currentTimeMillis();
        Map<String, Object> clients = new java.util.HashMap<>(config.kafkaClientProperties());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(clients, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            TopicCatalog.METRICS_RAW, 0, sixtyDaysAgo, "node-1".getBytes(), "batch".getBytes()))
                    .get();
        }
        clients.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(clients, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TopicCatalog.METRICS_RAW, 0)));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int polls = 0; polls < 100 && records.isEmpty(); polls++) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }

            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
                assertThat(record.timestamp()).isGreaterThanOrEqualTo(beforeSend);
            });
        }
    }

    @Test
    void shouldRejectBadRetentionInConfigFileBeforeTouchingTheBroker(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("strata.properties");
        Files.writeString(file, "kafka.bootstrap.servers=" + kafka.bootstrapServers() + "\nretention.raw=-5d\n");
        StrataConfig bad =
                StrataConfig.builder().file(file).environment(Map.of()).build();

        assertThatThrownBy(() -> TopicCatalog.from(bad).reconcile(admin))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.raw: invalid duration '-5d'"
                        + " (expected a positive duration like 30d, 12h, 10m, 10s or 500ms)");
        assertThat(admin.listTopics().names().get()).doesNotContainAnyElementsOf(ALL_TOPICS);
    }

    @Test
    void shouldFailWithTopicNameWhenBrokerRefusesCreation() {
        // Ten replicas cannot be placed on a single broker.
        TopicCatalog catalog = TopicCatalog.from(configFor(kafka, Map.of("topics.replication-factor", "10")));

        assertThatThrownBy(() -> catalog.reconcile(admin))
                .isInstanceOf(TopicCatalogException.class)
                .hasMessageStartingWith("Cannot create topic strata.metrics.raw")
                .hasCauseInstanceOf(ExecutionException.class);
    }
}
