package io.strata.e2e.corpus;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.db.Migrations;
import io.strata.sink.ingest.IngestSettings;
import io.strata.sink.ingest.PartitionPreparer;
import io.strata.sink.ingest.SinkIngest;
import io.strata.sink.ingest.StateTopics;
import io.strata.streams.StreamsApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real pipeline in this JVM, for the corpus: a broker of its own (the streams application uses the catalog's
 * fixed topic names), a database of its own on the given PostgreSQL, the streams application ({@link StreamsApp},
 * optional) and the sink ({@link SinkIngest}, with a clock that reads {@link Corpus#SINK_NOW} at start), plus a
 * producer and read helpers.
 */
final class CorpusPipeline implements AutoCloseable {

    static final String STREAMS_ID = "corpus-streams";
    static final String SINK_GROUP = "corpus-sink";
    static final List<String> INPUT_TOPICS = List.of(
            TopicCatalog.METRICS_RAW,
            TopicCatalog.METRICS_HOURLY,
            TopicCatalog.METRICS_DAILY,
            TopicCatalog.INVENTORY,
            TopicCatalog.PGSTATE,
            TopicCatalog.CHANGES);
    static final List<String> STREAMS_INPUT =
            List.of(TopicCatalog.METRICS_RAW, TopicCatalog.INVENTORY, TopicCatalog.PGSTATE);

    final EmbeddedKafka kafka;
    final DataSource dataSource;
    private final Path stateDir;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private StreamsApp streams;
    private SinkIngest sink;

    private CorpusPipeline(EmbeddedKafka kafka, DataSource dataSource, Path stateDir) {
        this.kafka = kafka;
        this.dataSource = dataSource;
        this.stateDir = stateDir;
        this.admin = kafka.adminClient();
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Above a 1 MB record, so that the broker (not this producer) decides what is too large.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Starts a broker, creates the topics (as the catalog says, {@code partitions} each) and a migrated database
     * {@code database}; nothing consumes yet.
     */
    static CorpusPipeline create(EmbeddedPostgres postgres, String database, int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            postgres.createDatabase(database);
            DataSource dataSource = postgres.dataSource(database);
            Migrations.migrate(dataSource);
            CorpusPipeline pipeline =
                    new CorpusPipeline(kafka, dataSource, Files.createTempDirectory("corpus-streams-state"));
            TopicCatalog.from(pipeline.config(Map.of(TopicCatalog.PARTITIONS_KEY, Integer.toString(partitions))))
                    .reconcile(pipeline.admin);
            return pipeline;
        } catch (IOException e) {
            kafka.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /** Starts the streams application (rollups and change detection). */
    void startStreams() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.application.id", STREAMS_ID);
        values.put("kafka.state.dir", stateDir.toString());
        values.put("kafka.num.standby.replicas", "0");
        values.put("rollup.punctuate-interval", "1s");
        values.put(StreamsApp.HTTP_PORT_KEY, "-1");
        streams = StreamsApp.start(config(values, StreamsApp.DEFAULTS));
    }

    /** Starts the sink; its clock reads {@link Corpus#SINK_NOW} now. */
    void startSink() {
        startSink(SINK_GROUP, Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), Corpus.SINK_NOW)));
    }

    /** Starts a sink as consumer group {@code group}, validating time against {@code clock}. */
    void startSink(String group, Clock clock) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("sink.group-id", group);
        values.put("sink.poll-timeout", "200ms");
        values.put("sink.retry.initial", "100ms");
        values.put("sink.retry.max", "2s");
        IngestSettings settings = IngestSettings.from(config(values, IngestSettings.DEFAULTS_RESOURCE));
        sink = SinkIngest.create(
                settings, dataSource, StateTopics.all(), PartitionPreparer.usingDatabaseFunction(), clock);
        sink.start();
    }

    /** The running streams application. */
    StreamsApp streams() {
        return Objects.requireNonNull(streams, "streams not started");
    }

    /** The running sink. */
    SinkIngest sink() {
        return Objects.requireNonNull(sink, "sink not started");
    }

    /** Stops the sink (its current batch commits or rolls back). */
    void stopSink() {
        if (sink != null) {
            sink.close();
            sink = null;
        }
    }

    StrataConfig config(Map<String, String> values, String... defaults) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        all.put("kafka.session.timeout.ms", "6000");
        all.put("kafka.heartbeat.interval.ms", "1500");
        all.putAll(values);
        StrataConfig.Builder builder = StrataConfig.builder().environment(Map.of());
        for (String resource : defaults) {
            builder.defaults(resource);
        }
        return builder.overrides(all).build();
    }

    /** Sends a record (key as UTF-8) without waiting. */
    Future<RecordMetadata> send(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    void flush() {
        producer.flush();
    }

    static RecordMetadata await(Future<RecordMetadata> sent) {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Send failed: " + e.getCause(), e.getCause());
        }
    }

    /** Latest offsets of every partition of {@code topics}. */
    Map<TopicPartition, Long> endOffsets(List<String> topics) {
        return kafka.endOffsets(topics);
    }

    /** Whether the streams application committed every record of its input topics. */
    boolean streamsCaughtUp() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(STREAMS_ID)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return endOffsets(STREAMS_INPUT).entrySet().stream()
                    .allMatch(end -> end.getValue() == 0
                            || (committed.get(end.getKey()) != null
                                    && committed.get(end.getKey()).offset() >= end.getValue()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Whether the sink stored offsets past the last committed record of every input partition (end offsets of
     * topics written in transactions count a commit marker, so they are not compared directly).
     */
    boolean sinkCaughtUp(String group) {
        Map<TopicPartition, Long> last = lastRecordOffsets(INPUT_TOPICS);
        Map<TopicPartition, Long> stored = storedOffsets(group);
        return last.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), 0L) > e.getValue());
    }

    /** The sink's stored next offsets ({@code sink_offsets}). */
    Map<TopicPartition, Long> storedOffsets(String group) {
        Map<TopicPartition, Long> stored = new HashMap<>();
        query(
                "SELECT topic, kafka_partition, next_offset FROM sink_offsets WHERE consumer_group = '" + group + "'",
                rs -> stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3)));
        return stored;
    }

    /** The offset of the last committed record of every non-empty partition of {@code topics}. */
    Map<TopicPartition, Long> lastRecordOffsets(List<String> topics) {
        Map<TopicPartition, Long> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(topics)) {
            last.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
        }
        return last;
    }

    /** Every committed record of {@code topics} (read_committed), from the beginning to the current end. */
    List<ConsumerRecord<byte[], byte[]>> readAll(List<String> topics) {
        Map<TopicPartition, Long> ends = endOffsets(topics);
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // hang guard
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topics + " to " + ends);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Runs a query, handing each row to {@code row}. */
    void query(String sql, RowHandler row) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The rows of a parameterised query, each as its column values in order. */
    List<List<Object>> rows(String sql, Object... params) {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object param = params[i] instanceof Instant instant
                        ? java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC)
                        : params[i];
                statement.setObject(i + 1, param);
            }
            try (ResultSet rs = statement.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        row.add(rs.getObject(c));
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** A single number. */
    long count(String sql) {
        long[] result = {0};
        query(sql, rs -> result[0] = rs.getLong(1));
        return result[0];
    }

    /** Waits until {@code condition} holds, up to {@code timeout} (a hang guard: it normally holds much sooner). */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(200); // polling interval of the condition, not a wait for an event
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            producer.close();
            stopSink();
            if (streams != null) {
                streams.close();
            }
            admin.close();
        } finally {
            kafka.close();
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what cannot be deleted now is the OS's to clean
        }
    }

    /** One row of a query. */
    @FunctionalInterface
    interface RowHandler {
        void accept(ResultSet row) throws SQLException;
    }
}
