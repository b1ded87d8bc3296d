package io.strata.sink.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.sink.copy.MetricSampleCopy;
import io.strata.sink.copy.SampleBuffer;
import io.strata.sink.db.Migrations;
import io.strata.sink.ingest.IngestSettings;
import io.strata.sink.ingest.PartitionPreparer;
import io.strata.sink.ingest.SinkIngest;
import io.strata.sink.ingest.ValidationRules;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Raw samples per second written by the sink from a filled topic, beside the ceiling: plain COPY BINARY of the same
 * rows into the same partitioned table, in transactions of the same size, on as many connections as the sink has
 * consumer threads. Starts its own embedded broker and PostgreSQL.
 *
 * <pre>
 * ./mvnw -o -q -pl sink test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.strata.sink.bench.SinkThroughputBench -Dexec.args="12000 500 4 1 5"
 * </pre>
 *
 * Arguments: batches (records) in the topic, samples per batch, partitions, sink threads, rounds (default 12000 500 4
 * 1 5: six million samples of 50 nodes × 500 series, five rounds). The sink runs with its shipped consumer settings and
 * {@code sink.max-poll-records}; its rate is counted from its first commit on (that one registers or looks up the
 * nodes' series), the ceiling's from the start. Each round runs the sink and then the ceiling; the median of the
 * rounds' ratios is the result. Each side also prints the CPU it used: this JVM's (the broker included) and
 * PostgreSQL's by process kind.
 */
public final class SinkThroughputBench {

    private static final int NODES = 50;
    /** The sink as shipped: records per poll (hence per transaction) from its defaults. */
    private static final int MAX_POLL_RECORDS = StrataConfig.builder()
            .defaults(IngestSettings.DEFAULTS_RESOURCE)
            .build()
            .getInt("sink.max-poll-records");

    private SinkThroughputBench() {}

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 12000;
        int samplesPerBatch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        long total = (long) batches * samplesPerBatch;
        System.out.printf(
                "Benchmark: %d batches x %d samples = %d samples, %d partitions, %d sink threads, %d rounds%n",
                batches, samplesPerBatch, total, partitions, threads, rounds);

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            postgres.createDatabase("bench");
            DataSource dataSource = postgres.dataSource("bench");
            Migrations.migrate(dataSource);
            // The warm-up topic first: producing right after a topic's creation can race its leader election.
            kafka.createTopic("bench.warm-a.raw", partitions);
            kafka.createTopic("bench.warm-b.raw", partitions);
            kafka.createTopic("bench.metrics.raw", partitions);
            kafka.createTopic("bench.metrics.hourly", 1);
            kafka.createTopic("bench.metrics.daily", 1);
            kafka.createTopic("bench.deadletter", 1);

            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
            long produceStart = System.nanoTime();
            fill(kafka, "bench.metrics.raw", "bench-node-", batches, samplesPerBatch, start);
            System.out.printf("Filled the topic in %.1f s%n", seconds(produceStart));

            // 0. Warm-up: the same code on other nodes' batches, so that neither side is measured while the JIT
            // compiles (the ceiling runs on a warm JVM anyway); its rows are removed before measuring. Two rounds
            // with new nodes each: the first poll of a sink registers its nodes' series, code that otherwise is
            // still being compiled while the measured run starts.
            int warmupBatches = Math.max(NODES, batches / 2);
            for (String round : List.of("warm-a", "warm-b")) {
                fill(kafka, "bench." + round + ".raw", round + "-node-", warmupBatches, samplesPerBatch, start);
                runSink(
                        kafka,
                        postgres,
                        "bench." + round + ".raw",
                        "bench-" + round,
                        (long) warmupBatches * samplesPerBatch,
                        threads);
            }
            truncate(dataSource);

            // Then rounds of the sink (a new consumer group re-reads the whole topic into the emptied table) and the
            // ceiling (the same rows COPYed into the emptied table), alternately: the database's state drifts as WAL
            // and files grow, and alternating gives both sides the same drift.
            SampleBuffer rows = null;
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                SinkRun sink = runSink(kafka, postgres, "bench.metrics.raw", "bench-sink-" + round, total, threads);
                double sinkRate = (total - sink.firstCommit()) / sink.seconds();
                System.out.printf(
                        "Round %d%n  Sink:    %,d samples in %.2f s after the first commit = %,.0f samples/s"
                                + " (%d transactions)%n    %s%n",
                        round,
                        total - sink.firstCommit(),
                        sink.seconds(),
                        sinkRate,
                        sink.transactions(),
                        sink.cpu().describe(sink.seconds()));
                if (rows == null) {
                    rows = readBack(dataSource, total);
                }
                truncate(dataSource);

                // The ceiling: in as many transactions as the sink committed, on as many connections as the sink
                // has consumers (each with its own connection), so that a sink with several consumers is compared
                // with as many COPY streams, not with one.
                int chunk = (int) Math.max(1, total / Math.max(1, sink.transactions()));
                CopyRun copy = copyInParallel(dataSource, rows, chunk, threads);
                double copyRate = rows.size() / copy.seconds();
                System.out.printf(
                        "  Ceiling: %,d samples by plain COPY BINARY in %.2f s = %,.0f samples/s (%,d rows per"
                                + " transaction, %d connection(s))%n    %s%n",
                        rows.size(),
                        copy.seconds(),
                        copyRate,
                        chunk,
                        threads,
                        copy.cpu().describe(copy.seconds()));
                System.out.printf("  Sink / ceiling = %.2f%n", sinkRate / copyRate);
                ratios.add(sinkRate / copyRate);
                truncate(dataSource);
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            System.out.printf(
                    "Sink / ceiling, median of %d rounds = %.2f (range %.2f-%.2f)%n",
                    rounds, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
        }
    }

    /** The rows the sink wrote, read back in the table's order. */
    private static SampleBuffer readBack(DataSource dataSource, long total) throws Exception {
        SampleBuffer rows = new SampleBuffer((int) total);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setFetchSize(100_000);
            connection.setAutoCommit(false);
            try (ResultSet result = statement.executeQuery(
                    "SELECT series_id, (extract(epoch FROM measured_at) * 1000000)::bigint, value "
                            + "FROM metric_samples")) {
                while (result.next()) {
                    rows.add(result.getLong(1), result.getLong(2), result.getDouble(3));
                }
            }
            connection.commit();
        }
        return rows;
    }

    private static void truncate(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE metric_samples");
        }
    }

    /** The ceiling's run: seconds and CPU. */
    private record CopyRun(double seconds, CpuTimes.Usage cpu) {}

    /**
     * COPYs the rows in transactions of {@code chunk} rows, chunks dealt round-robin to {@code connections}. The
     * connections are open before and after the measured time, so that their backends' CPU is counted.
     */
    private static CopyRun copyInParallel(DataSource dataSource, SampleBuffer rows, int chunk, int connections)
            throws Exception {
        int chunks = (rows.size() + chunk - 1) / chunk;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        List<Connection> open = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                Connection connection = dataSource.getConnection();
                open.add(connection);
                connection.setAutoCommit(false);
            }
            List<Future<?>> copies = new ArrayList<>();
            CpuTimes cpu = CpuTimes.now();
            long start = System.nanoTime();
            for (int c = 0; c < connections; c++) {
                int first = c;
                Connection connection = open.get(c);
                copies.add(pool.submit(() -> {
                    SampleBuffer part = new SampleBuffer(chunk);
                    for (int k = first; k < chunks; k += connections) {
                        int end = Math.min(rows.size(), (k + 1) * chunk);
                        for (int i = k * chunk; i < end; i++) {
                            part.add(rows.seriesId(i), rows.epochMicros(i), rows.value(i));
                        }
                        MetricSampleCopy.copy(connection, part);
                        connection.commit();
                        part.clear();
                    }
                    return null;
                }));
            }
            for (Future<?> copy : copies) {
                copy.get();
            }
            double seconds = seconds(start);
            return new CopyRun(seconds, CpuTimes.now().since(cpu));
        } finally {
            pool.shutdown();
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    /** A sink's run: seconds after its first commit, the samples of that commit, transactions, CPU after it. */
    private record SinkRun(double seconds, long firstCommit, long transactions, CpuTimes.Usage cpu) {}

    /** Runs a sink until it wrote {@code total} samples. */
    private static SinkRun runSink(
            EmbeddedKafka kafka, EmbeddedPostgres postgres, String topic, String group, long total, int threads)
            throws InterruptedException {
        // The shipped consumer settings: no larger fetches (16 MB fetches measured slower here: the broker and the
        // consumer then work in bursts that take the cores from PostgreSQL).
        Map<String, Object> client = new HashMap<>(kafka.clientProperties());
        IngestSettings settings = new IngestSettings(
                client,
                group,
                threads,
                MAX_POLL_RECORDS,
                Duration.ofMillis(500),
                "bench.deadletter",
                topic,
                "bench.metrics.hourly",
                "bench.metrics.daily",
                ValidationRules.defaults(),
                Duration.ofMillis(100),
                Duration.ofSeconds(5),
                1);
        // The sink gets a connection pool, as SinkApp gives it (an unpooled data source would open a connection,
        // and a cold backend, per transaction); the ceiling uses one connection throughout.
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setJdbcUrl(postgres.jdbcUrl("bench"));
        poolConfig.setUsername(postgres.user());
        poolConfig.setMaximumPoolSize(threads + 1);
        try (HikariDataSource pool = new HikariDataSource(poolConfig);
                SinkIngest sink =
                        SinkIngest.create(settings, pool, List.of(), PartitionPreparer.usingDatabaseFunction())) {
            sink.start();
            while (sink.stats().samples() == 0) {
                Thread.sleep(5); // not a busy loop: that would take CPU from the sink it measures
            }
            long firstCommit = sink.stats().samples();
            long steadyStart = System.nanoTime();
            CpuTimes cpu = CpuTimes.now();
            while (sink.stats().samples() < total) {
                Thread.sleep(5); // not a busy loop: that would take CPU from the sink it measures
            }
            double seconds = seconds(steadyStart);
            return new SinkRun(
                    seconds,
                    firstCommit,
                    sink.stats().transactions(),
                    CpuTimes.now().since(cpu));
        }
    }

    private static void fill(
            EmbeddedKafka kafka, String topic, String nodePrefix, int batches, int samplesPerBatch, Instant start)
            throws Exception {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1024 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                int node = b % NODES;
                long tick = b / NODES;
                Instant at = start.plusSeconds(10 * tick);
                List<MetricSample> samples = new ArrayList<>(samplesPerBatch);
                for (int s = 0; s < samplesPerBatch; s++) {
                    samples.add(MetricSample.newBuilder()
                            .setCategory(s % 2 == 0 ? "cpu" : "disk")
                            .setName("metric_" + s)
                            .setLabels(Map.of("device", "dev" + (s % 8)))
                            .setValue(tick + s / 4.0)
                            .setUnit("percent")
                            .setKind(MetricKind.GAUGE)
                            .setTimestamp(at)
                            .build());
                }
                MetricBatch batch = MetricBatch.newBuilder()
                        .setNodeId(nodePrefix + node)
                        .setNodeName(nodePrefix + "name-" + node)
                        .setCollectedAt(at)
                        .setSequence(tick)
                        .setIntervalMs(10_000L)
                        .setSamples(samples)
                        .build();
                sends.add(producer.send(new ProducerRecord<>(
                        topic, nodePrefix + node, AvroSerdes.metricBatch().serialize(batch))));
            }
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
