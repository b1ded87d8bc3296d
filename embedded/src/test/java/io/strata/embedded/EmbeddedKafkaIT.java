package io.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithEmbeddedKafka
class EmbeddedKafkaIT {

    @Test
    void shouldProduceAndConsumeARecord(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("it.plain", 2);

        KafkaClients.send(kafka, "it.plain", "host-1", "cpu=0.5");

        List<ConsumerRecord<String, String>> records = KafkaClients.readAll(kafka, "it.plain", 1, Map.of());
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("host-1");
            assertThat(record.value()).isEqualTo("cpu=0.5");
        });
    }

    @Test
    void shouldShareOneBrokerAcrossParameters(EmbeddedKafka first, EmbeddedKafka second) {
        System.out.printf("[timing] shared EmbeddedKafka start: %d ms%n", first.lastStartMillis());
        assertThat(first).isSameAs(second);
        assertThat(first.isRunning()).isTrue();
        assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
    }

    @Test
    void shouldCommitATransaction(EmbeddedKafka kafka) {
        kafka.createTopic("it.tx", 1);

        try (KafkaProducer<String, String> producer =
                KafkaClients.producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-1"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("it.tx", "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("it.tx", "k", "committed"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> records = KafkaClients.readAll(
                kafka, "it.tx", 1, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("committed");
    }

    @Test
    void shouldNotCreateTopicsAutomatically(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = kafka.adminClient()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).doesNotContain("it.never.created");
        }
        try (KafkaProducer<String, String> producer =
                KafkaClients.producer(kafka, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            // A producer asking for an unknown topic would create it if auto-creation were on.
            assertThatThrownBy(() -> producer.partitionsFor("it.never.created")).isInstanceOf(TimeoutException.class);
        }
        try (Admin admin = kafka.adminClient()) {
            assertThat(admin.listTopics().names().get()).doesNotContain("it.never.created");
        }
    }

    @Test
    void shouldKeepTopicDataAcrossStopAndRestartOnTheSamePort() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String address = kafka.bootstrapServers();
            kafka.createTopic("it.restart", 1);
            KafkaClients.send(kafka, "it.restart", "k", "before-stop");

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.restart();

            assertThat(kafka.isRunning()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo(address);
            KafkaClients.send(kafka, "it.restart", "k", "after-restart");
            assertThat(KafkaClients.readAll(kafka, "it.restart", 2, Map.of()))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before-stop", "after-restart");
            System.out.printf(
                    "[timing] EmbeddedKafka restart (same port, same data): %d ms%n", kafka.lastStartMillis());
        }
    }

    @Test
    void shouldListenOnAFixedPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).start()) {
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = kafka.adminClient()) {
                assertThat(admin.describeCluster().nodes().get())
                        .singleElement()
                        .satisfies(node -> assertThat(node.port()).isEqualTo(port));
            }
        }
    }

    @Test
    void shouldReuseAGivenDataDirectoryWithoutReformatting(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("kafka");
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            kafka.createTopic("it.kept", 1);
            KafkaClients.send(kafka, "it.kept", "k", "kept");
            try (Admin admin = kafka.adminClient()) {
                clusterId = admin.describeCluster().clusterId().get();
            }
        }
        assertThat(dataDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            try (Admin admin = kafka.adminClient()) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
            }
            assertThat(KafkaClients.readAll(kafka, "it.kept", 1, Map.of()))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("kept");
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    void shouldAdvertiseAnExtraListenerAtTheGivenPort() throws Exception {
        int advertised;
        try (ServerSocket probe = new ServerSocket(0)) {
            advertised = probe.getLocalPort();
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .listener("PROXIED", advertised)
                .listener("DIRECT", 0)
                .start()) {
            assertThat(kafka.listenerPort("PROXIED")).isNotEqualTo(kafka.port()).isNotEqualTo(advertised);
            try (Admin admin = kafka.adminClient()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "1");
                var config =
                        admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("advertised.listeners").value())
                        .contains("PLAINTEXT://" + kafka.bootstrapServers())
                        .contains("PROXIED://127.0.0.1:" + advertised)
                        .contains("DIRECT://127.0.0.1:" + kafka.listenerPort("DIRECT"));
            }
            // A client bootstrapped through an extra listener stays on it (it advertises its own port here).
            String direct = "127.0.0.1:" + kafka.listenerPort("DIRECT");
            kafka.createTopic("it.direct", 1);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, direct,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                assertThat(producer.send(new ProducerRecord<>("it.direct", "k", "via direct"))
                                .get()
                                .offset())
                        .isZero();
            }
            assertThat(KafkaClients.readAll(kafka, "it.direct", 1, Map.of()))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("via direct");
            assertThatThrownBy(() -> kafka.listenerPort("OTHER")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldApplyExtraBrokerProperties() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .brokerProperty("log.retention.hours", "1")
                .start()) {
            try (Admin admin = kafka.adminClient()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "1");
                var config =
                        admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("log.retention.hours").value()).isEqualTo("1");
                assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
            }
        }
    }

    @Test
    void shouldLeaveNoTemporaryDirectoryNorNonDaemonThreadAfterClose() throws Exception {
        Set<Thread> before = ThreadSnapshot.nonDaemonThreads();

        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.out.printf("[timing] EmbeddedKafka first start (format + start): %d ms%n", kafka.lastStartMillis());
        Path dataDir = kafka.dataDir();
        kafka.createTopic("it.close", 1);
        KafkaClients.send(kafka, "it.close", "k", "v");
        assertThat(Files.list(dataDir)).isNotEmpty();
        kafka.close();

        assertThat(kafka.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
        assertThat(ThreadSnapshot.leftoverSince(before)).isEmpty();
    }
}
