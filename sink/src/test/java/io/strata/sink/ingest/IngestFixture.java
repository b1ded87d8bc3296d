package io.strata.sink.ingest;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.sink.db.Migrations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/** One test class's topics, consumer group and database on the shared embedded broker and PostgreSQL. */
final class IngestFixture implements AutoCloseable {

    final EmbeddedKafka kafka;
    final DataSource dataSource;
    final Jdbi jdbi;
    final String raw;
    final String hourly;
    final String daily;
    final String deadLetter;
    final String inventory;
    final String pgstate;
    final String changes;
    final String group;
    private final KafkaProducer<String, byte[]> producer;
    private DataSource sinkDataSource;

    IngestFixture(EmbeddedKafka kafka, DataSource dataSource, String prefix, int partitions) {
        this.kafka = kafka;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.sinkDataSource = dataSource;
        Migrations.migrate(dataSource);
        raw = prefix + ".metrics.raw";
        hourly = prefix + ".metrics.hourly";
        daily = prefix + ".metrics.daily";
        deadLetter = prefix + ".deadletter";
        inventory = prefix + ".inventory";
        pgstate = prefix + ".pgstate";
        changes = prefix + ".changes";
        group = prefix + "-sink";
        for (String topic : List.of(raw, hourly, daily, inventory, pgstate, changes)) {
            kafka.createTopic(topic, partitions);
        }
        kafka.createTopic(deadLetter, 1);
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    IngestSettings settings() {
        return settings(1);
    }

    IngestSettings settings(int threads) {
        return new IngestSettings(
                kafka.clientProperties(),
                group,
                threads,
                50,
                Duration.ofMillis(200),
                deadLetter,
                raw,
                hourly,
                daily,
                ValidationRules.defaults(),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                1);
    }

    SinkIngest sink() {
        return sink(1);
    }

    /**
     * Makes the sink log in as {@code login}, a role holding nothing but {@code strata_writer}, as in production
     * (the migrations ran as the owner).
     */
    void writeAs(EmbeddedPostgres postgres, String database, String login) {
        jdbi.useHandle(handle -> {
            handle.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + login
                    + "') THEN CREATE ROLE " + login + " LOGIN; END IF; END $$");
            handle.execute("GRANT strata_writer TO " + login);
        });
        PGSimpleDataSource writer = new PGSimpleDataSource();
        writer.setURL(postgres.jdbcUrl(database));
        writer.setUser(login);
        sinkDataSource = writer;
    }

    SinkIngest sink(int threads) {
        return SinkIngest.create(
                settings(threads),
                sinkDataSource,
                StateTopics.all(inventory, pgstate, changes),
                PartitionPreparer.usingDatabaseFunction());
    }

    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void send(String topic, int partition, String key, T record) {
        byte[] bytes = AvroSerdes.forType((Class<T>) record.getClass()).serialize(record);
        sendBytes(topic, partition, key, bytes);
    }

    void sendBytes(String topic, int partition, String key, byte[] bytes) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, bytes)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** End offsets (last stable) of every partition of {@code topic}. */
    Map<Integer, Long> endOffsets(String topic) {
        try (Admin admin = kafka.adminClient()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(info -> request.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get()
                    .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stored offsets of {@code topic} in {@code sink_offsets}. */
    Map<Integer, Long> storedOffsets(String topic) {
        Map<Integer, Long> stored = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT kafka_partition, next_offset FROM sink_offsets WHERE consumer_group = :group AND topic = :topic")
                .bind("group", group)
                .bind("topic", topic)
                .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
                .forEach(entry -> stored.put(entry.getKey(), entry.getValue())));
        return stored;
    }

    /** Waits until the stored offsets of every topic reach their end offsets. */
    void awaitCaughtUp(String... topics) {
        await("sink caught up with " + List.of(topics), () -> {
            for (String topic : topics) {
                Map<Integer, Long> ends = new HashMap<>(endOffsets(topic));
                ends.values().removeIf(end -> end == 0);
                Map<Integer, Long> stored = storedOffsets(topic);
                for (Map.Entry<Integer, Long> end : ends.entrySet()) {
                    if (!end.getValue().equals(stored.get(end.getKey()))) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    long count(String sql) {
        return jdbi.withHandle(
                handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    double sum(String sql) {
        return jdbi.withHandle(
                handle -> handle.createQuery(sql).mapTo(Double.class).one());
    }

    /** Every record of the dead-letter topic. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters(int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(deadLetter, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (consumer.position(partition) < end && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for: " + what);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        producer.close();
    }
}
