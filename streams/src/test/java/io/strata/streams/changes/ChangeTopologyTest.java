package io.strata.streams.changes;

import static io.strata.streams.changes.StateFixtures.T0;
import static io.strata.streams.changes.StateFixtures.changed;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.topic.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeTopologyTest {

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> inventories;
    private TestInputTopic<String, byte[]> postgresStates;
    private TestOutputTopic<byte[], byte[]> changes;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "change-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(ChangeTopology.addTo(new Topology()), props);
        inventories =
                driver.createInputTopic(TopicCatalog.INVENTORY, new StringSerializer(), new ByteArraySerializer());
        postgresStates =
                driver.createInputTopic(TopicCatalog.PGSTATE, new StringSerializer(), new ByteArraySerializer());
        changes = driver.createOutputTopic(
                TopicCatalog.CHANGES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(
                TopicCatalog.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldRegisterANodeOnceThenReportOnlyWhatChanged() {
        NodeInventory first = StateFixtures.inventory(T0);
        NodeInventory same = changed(first, copy -> {});
        NodeInventory moved = changed(same, copy -> copy.getInterfaces().get(0).setIpv4Address("10.1.2.3"));

        pipe(first);
        pipe(same);
        pipe(moved);

        List<ChangeEvent> events = readChanges();
        assertThat(events).extracting(ChangeEvent::getChangeType).containsExactly(ChangeType.NODE, ChangeType.NETWORK);
        assertThat(events).extracting(ChangeEvent::getNodeId).containsOnly(first.getNodeId());
    }

    @Test
    void shouldKeyChangesByNodeId() {
        pipe(StateFixtures.inventory(T0));

        TestRecord<byte[], byte[]> record = changes.readRecord();
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo(StateFixtures.inventory(T0).getNodeId());
    }

    @Test
    void shouldIgnoreAnInventoryOlderThanTheOneKept() {
        NodeInventory first = StateFixtures.inventory(T0);
        NodeInventory newer = changed(first, copy -> copy.getNode().setRamGb(128.0));
        NodeInventory stale = changed(first, copy -> {
            copy.getNode().setRamGb(1.0);
            copy.setCollectedAt(T0.minusSeconds(60));
        });

        pipe(first);
        pipe(newer);
        pipe(stale);

        assertThat(readChanges())
                .extracting(ChangeEvent::getChangeType)
                .containsExactly(ChangeType.NODE, ChangeType.HARDWARE);
    }

    @Test
    void shouldTrackEachPostgresInstanceOfANodeSeparately() {
        PostgresState primary = StateFixtures.postgres(T0);
        PostgresState other = changed(primary, copy -> copy.setInstance("127.0.0.1:5433"));
        PostgresState tuned = changed(primary, copy -> copy.getSettings().get(2).setSettingValue("8192"));

        postgresStates.pipeInput(primary.getNodeId(), AvroSerdes.postgresState().serialize(primary));
        postgresStates.pipeInput(other.getNodeId(), AvroSerdes.postgresState().serialize(other));
        postgresStates.pipeInput(tuned.getNodeId(), AvroSerdes.postgresState().serialize(tuned));

        assertThat(readChanges())
                .extracting(ChangeEvent::getChangeCategory, ChangeEvent::getRecordKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("registered", "127.0.0.1:5432"),
                        org.assertj.core.groups.Tuple.tuple("registered", "127.0.0.1:5433"),
                        org.assertj.core.groups.Tuple.tuple("modified", "127.0.0.1:5432/work_mem"));
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndKeepGoing() {
        byte[] poison = "this is not an Avro record".getBytes(StandardCharsets.UTF_8);
        inventories.pipeInput("node-x", poison);
        pipe(StateFixtures.inventory(T0));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("node-x");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo(TopicCatalog.INVENTORY);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("decode.not-single-object");
        assertThat(header(dead, DeadLetterHeaders.SOURCE)).isEqualTo(DeadLetterHeaders.SOURCE_STREAMS);
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(readChanges()).hasSize(1);
        assertThat(driver.metrics().entrySet()).anySatisfy(metric -> {
            assertThat(metric.getKey().name()).isEqualTo("dead-letter-total");
            assertThat(metric.getKey().tags()).containsValue("change-detection-inventory");
            assertThat(metric.getValue().metricValue()).isEqualTo(1.0);
        });
    }

    private void pipe(NodeInventory inventory) {
        inventories.pipeInput(inventory.getNodeId(), AvroSerdes.nodeInventory().serialize(inventory));
    }

    private List<ChangeEvent> readChanges() {
        List<ChangeEvent> events = new ArrayList<>();
        while (!changes.isEmpty()) {
            events.add(AvroSerdes.changeEvent().deserialize(TopicCatalog.CHANGES, changes.readValue()));
        }
        return events;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
