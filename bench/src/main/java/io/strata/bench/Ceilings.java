package io.strata.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.publish.ProbeProducers;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.copy.MetricSampleCopy;
import io.strata.sink.copy.SampleBuffer;
import io.strata.sink.ingest.IngestSettings;
import io.strata.sink.ingest.PartitionPreparer;
import io.strata.sink.ingest.SinkIngest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ceilings each pipeline stage is compared with, measured on the same broker and database right after the
 * pipeline (streams and the sink are then idle): a plain consumer, a plain producer and plain COPY BINARY.
 */
final class Ceilings {

    private static final Logger LOG = LoggerFactory.getLogger(Ceilings.class);
    static final String PRODUCER_TOPIC = "bench.ceiling.raw";

    private Ceilings() {}

    /** A rate and what it took: {@code items} in {@code seconds}. */
    record Rate(long items, double seconds, String detail) {
        double perSecond() {
            return seconds > 0 ? items / seconds : Double.NaN;
        }
    }

    /**
     * A plain {@code KafkaConsumer} (read_committed, like streams and the sink) reading the raw topic from the start
     * to the offsets it had at the end of the backfill: records/s times samples per record (every loadgen batch has
     * {@code metrics} samples).
     */
    static Rate consumer(BenchCluster cluster, String topic, int metrics, long records) {
        Map<String, Object> properties = new HashMap<>(cluster.kafka().clientProperties());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        List<TopicPartition> partitions = IntStream.range(0, cluster.partitions())
                .mapToObj(p -> new TopicPartition(topic, p))
                .toList();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long bytes = 0;
            long started = System.nanoTime();
            long deadline = started + Duration.ofMinutes(5).toNanos();
            while (read < records && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                read += polled.count();
                for (var record : polled) {
                    bytes += record.serializedValueSize();
                }
            }
            double seconds = PipelinePhase.seconds(started);
            LOG.info("Plain consumer: {} records ({} MB) in {} s", read, bytes >> 20, String.format("%.2f", seconds));
            return new Rate(
                    Math.min(read, records) * metrics,
                    seconds,
                    String.format("%,d records of %,d B", read, read == 0 ? 0 : bytes / read));
        }
    }

    /**
     * A plain {@code KafkaProducer} with the load generator's settings sending {@code records} pre-serialized batches
     * of the same fleet (a few ticks' worth, cycled, so serialization is not measured) to a topic with as many
     * partitions as the raw topic.
     */
    static Rate producer(BenchCluster cluster, int nodes, int metrics, Duration interval, Instant from, long records) {
        SimulatedFleet fleet = SimulatedFleet.of(PipelinePhase.SEED, nodes, metrics, interval);
        // Enough distinct ticks that no producer batch holds the same record twice within the LZ4 window.
        int ticks = (int) Math.max(2, Math.min(20, records / nodes));
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        long firstTick = from.toEpochMilli() / interval.toMillis();
        for (int t = 0; t < ticks; t++) {
            Instant at = from.plus(interval.multipliedBy(t));
            for (int node = 0; node < nodes; node++) {
                MetricBatch batch = fleet.batch(node, at, firstTick + t);
                keys.add(batch.getNodeId());
                values.add(AvroSerdes.metricBatch().serialize(batch));
            }
        }
        ProbeConfig probe = cluster.probe();
        Map<String, Object> properties = ProbeProducers.bulkProperties(probe);
        properties.put("client.id", "strata-bench-ceiling");
        // A ceiling that cannot be measured is reported as missing, not waited for as long as the load generator.
        properties.put("delivery.timeout.ms", 60_000);
        properties.put("request.timeout.ms", 20_000);
        properties.put("max.block.ms", 60_000);
        long started;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            // Connect and fetch metadata before timing.
            producer.partitionsFor(PRODUCER_TOPIC);
            started = System.nanoTime();
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (long i = 0; i < records; i++) {
                int index = (int) (i % values.size());
                producer.send(
                        new ProducerRecord<>(PRODUCER_TOPIC, keys.get(index), values.get(index)),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            }
                        });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new ExecutionException(failure.get());
            }
        } catch (ExecutionException | KafkaException e) {
            LOG.warn("The plain producer failed; its ceiling is not reported", e);
            return new Rate(0, Double.NaN, "failed: " + e.getMessage());
        }
        double seconds = PipelinePhase.seconds(started);
        LOG.info("Plain producer: {} records in {} s", records, String.format("%.2f", seconds));
        return new Rate(records * metrics, seconds, String.format("%,d records", records));
    }

    /** One round of the sink alone and plain COPY of the same rows. */
    record SinkVersusCopy(Rate sink, Rate copy) {
        double ratio() {
            return sink.perSecond() / copy.perSecond();
        }
    }

    /**
     * The sink on its own against plain COPY BINARY of the same rows, under the same conditions (streams and the
     * pipeline's sink idle), in {@code rounds} alternate rounds: the database drifts as WAL and files grow, and alternating gives
     * both sides the same drift. The rows the pipeline wrote are read back once. Each round:
     *
     * <ol>
     *   <li>a sink with a consumer group of its own, subscribed to the raw topic only (the ceiling writes raw rows
     *       only; rollups and state would be work the ceiling does not do), re-reads it into the emptied {@code
     *       metric_samples}, with the shipped ingestion settings; timed from its first commit to its last sample, as
     *       the ceiling is timed from its first COPY;
     *   <li>the table emptied again, the rows are COPYed on one connection in as many transactions as that sink
     *       committed.
     * </ol>
     *
     * The table ends as it was.
     */
    static List<SinkVersusCopy> sinkVersusCopy(BenchCluster cluster, long samples, int rounds)
            throws InterruptedException {
        SampleBuffer rows = readBack(cluster.database());
        // Empty rollup topics of its own: the raw topic is all this sink reads.
        String hourly = "bench.sink-alone.hourly";
        String daily = "bench.sink-alone.daily";
        cluster.kafka().createTopic(hourly, 1);
        cluster.kafka().createTopic(daily, 1);
        List<SinkVersusCopy> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            truncate(cluster.database());
            SinkRun sink = sinkAlone(cluster, samples, "strata-bench-sink-alone-" + round, hourly, daily);
            truncate(cluster.database());
            Rate copy = copy(cluster.database(), rows, sink.transactions());
            SinkVersusCopy result = new SinkVersusCopy(sink.rate(), copy);
            LOG.info(
                    "Sink alone vs COPY, round {}: {} / {} samples/s = {}",
                    round,
                    String.format("%,.0f", sink.rate().perSecond()),
                    String.format("%,.0f", copy.perSecond()),
                    String.format("%.2f", result.ratio()));
            results.add(result);
        }
        return results;
    }

    /** A raw-only sink's run: its rate and its transactions. */
    private record SinkRun(Rate rate, long transactions) {}

    private static SinkRun sinkAlone(BenchCluster cluster, long samples, String group, String hourly, String daily)
            throws InterruptedException {
        IngestSettings settings = IngestSettings.from(cluster.sink(Map.of("sink.group-id", group)))
                .withTopics(TopicCatalog.METRICS_RAW, hourly, daily, TopicCatalog.DEADLETTER);
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setJdbcUrl(cluster.postgres().jdbcUrl(BenchCluster.DATABASE));
        poolConfig.setUsername(cluster.postgres().user());
        poolConfig.setMaximumPoolSize(settings.concurrency() + 1);
        try (HikariDataSource pool = new HikariDataSource(poolConfig);
                SinkIngest sink =
                        SinkIngest.create(settings, pool, List.of(), PartitionPreparer.usingDatabaseFunction())) {
            sink.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (sink.stats().samples() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long first = sink.stats().samples();
            long started = System.nanoTime();
            while (sink.stats().samples() < samples && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double seconds = PipelinePhase.seconds(started);
            long written = sink.stats().samples() - first;
            LOG.info("Sink alone: {} samples in {} s", written, String.format("%.2f", seconds));
            if (sink.stats().samples() < samples) {
                return new SinkRun(new Rate(0, Double.NaN, "timed out"), 1);
            }
            return new SinkRun(
                    new Rate(written, seconds, "its own group, raw topic only, after its first commit"),
                    sink.stats().transactions());
        }
    }

    private static void truncate(DataSource database) {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE metric_samples");
            statement.execute("VACUUM metric_samples");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot empty metric_samples", e);
        }
    }

    /** Every row of {@code metric_samples}, in the table's order. */
    private static SampleBuffer readBack(DataSource database) {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            SampleBuffer rows = new SampleBuffer(1 << 20);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(100_000);
                try (ResultSet result = statement.executeQuery(
                        "SELECT series_id, (extract(epoch FROM measured_at) * 1000000)::bigint, value"
                                + " FROM metric_samples")) {
                    while (result.next()) {
                        rows.add(result.getLong(1), result.getLong(2), result.getDouble(3));
                    }
                }
                connection.commit();
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read back metric_samples", e);
        }
    }

    /** Plain COPY BINARY of {@code rows} into the (emptied) table on one connection, in {@code transactions}. */
    private static Rate copy(DataSource database, SampleBuffer rows, long transactions) {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            int chunk = (int) Math.max(1, rows.size() / Math.max(1, transactions));
            long started = System.nanoTime();
            SampleBuffer part = new SampleBuffer(chunk);
            for (int i = 0; i < rows.size(); i++) {
                part.add(rows.seriesId(i), rows.epochMicros(i), rows.value(i));
                if (part.size() == chunk || i == rows.size() - 1) {
                    MetricSampleCopy.copy(connection, part);
                    connection.commit();
                    part.clear();
                }
            }
            double seconds = PipelinePhase.seconds(started);
            LOG.info("Plain COPY: {} rows in {} s", rows.size(), String.format("%.2f", seconds));
            return new Rate(rows.size(), seconds, String.format("%,d rows per transaction", chunk));
        } catch (SQLException e) {
            throw new IllegalStateException("The COPY ceiling failed", e);
        }
    }
}
