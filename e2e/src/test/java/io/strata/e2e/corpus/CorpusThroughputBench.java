package io.strata.e2e.corpus;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.sink.db.Migrations;
import io.strata.sink.ingest.IngestSettings;
import io.strata.sink.ingest.PartitionPreparer;
import io.strata.sink.ingest.SinkIngest;
import io.strata.sink.ingest.StateTopics;
import java.nio.charset.StandardCharsets;
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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Good-record throughput of the sink on clean topics against the same good records with the bad-input corpus
 * interleaved (one bad record after every {@code badEvery} good ones, cycling through the corpus cases of each
 * topic), median of {@code runs} alternating runs, each into a fresh database from the start of the topics. Prints
 * both and their ratio; issue 7 asks for the corpus run within 10% of the clean one.
 *
 * <p>Topics: raw batches of a simulated fleet (with the raw corpus cases: undecodable, invalid, hostile, duplicated
 * sequence, 10,000 labels, a 1 MB label) and change events (with the changes cases, among them one PostgreSQL
 * rejects: the expensive path, found by writing the poll record by record, retried, then dead-lettered). Time runs
 * from the sink's start until its stored offsets pass the last record of every partition. The streams application is
 * not measured here: it reads the raw topic independently of the sink (RollupBenchmark measures it).
 *
 * <pre>
 * ./mvnw -o -q -pl e2e test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.strata.e2e.corpus.CorpusThroughputBench -Dexec.args="20 50 300 100 3"
 * </pre>
 *
 * Arguments: nodes, series per node, ticks, badEvery, runs, and whether to include the cases PostgreSQL rejects
 * ({@code db.rejected}; default 20 50 300 100 3 true: 6,000 raw batches of 50 samples, 300,000 good samples, plus
 * 600 change events). With {@code false}, the corpus costs only decoding and validation.
 */
public final class CorpusThroughputBench {

    private static final int PARTITIONS = 2;

    private CorpusThroughputBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args nodes, series per node, ticks, badEvery, runs, include db.rejected cases
     */
    public static void main(String[] args) throws Exception {
        int nodes = arg(args, 0, 20);
        int series = arg(args, 1, 50);
        int ticks = arg(args, 2, 300);
        int badEvery = arg(args, 3, 100);
        int runs = arg(args, 4, 3);
        boolean rejected = args.length <= 5 || Boolean.parseBoolean(args[5]);
        SimulatedFleet fleet = SimulatedFleet.of(11, nodes, series, Duration.ofSeconds(10));
        Instant end = Corpus.REFERENCE.plus(fleet.interval().multipliedBy(Math.max(ticks, 800)));
        Corpus corpus = Corpus.build();

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            Dataset clean = produce(kafka, "clean", fleet, ticks, corpus, 0, rejected);
            Dataset dirty = produce(kafka, "corpus", fleet, ticks, corpus, badEvery, rejected);
            System.out.printf(
                    Locale.ROOT,
                    "%d good raw batches (%d samples) + %d good change events; corpus run adds %d bad records"
                            + " (1 per %d good)%n",
                    clean.goodBatches,
                    clean.goodSamples,
                    clean.goodChanges,
                    dirty.badRecords,
                    badEvery);
            List<Double> cleanSeconds = new ArrayList<>();
            List<Double> dirtySeconds = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                cleanSeconds.add(runSink(kafka, postgres, clean, run, end));
                dirtySeconds.add(runSink(kafka, postgres, dirty, run, end));
                System.out.printf(
                        Locale.ROOT,
                        "run %d: clean %.2f s, corpus %.2f s%n",
                        run,
                        cleanSeconds.get(run - 1),
                        dirtySeconds.get(run - 1));
            }
            double cleanRate = clean.goodSamples / median(cleanSeconds);
            double dirtyRate = dirty.goodSamples / median(dirtySeconds);
            System.out.printf(
                    Locale.ROOT,
                    "clean : %,.0f good samples/s (median %.2f s)%ncorpus: %,.0f good samples/s (median %.2f s)%n"
                            + "ratio corpus/clean: %.3f%n",
                    cleanRate,
                    median(cleanSeconds),
                    dirtyRate,
                    median(dirtySeconds),
                    dirtyRate / cleanRate);
        }
    }

    /** The topics of one variant and what they hold. */
    private record Dataset(
            String prefix,
            long goodBatches,
            long goodSamples,
            long goodChanges,
            long badRecords,
            Map<TopicPartition, Long> endOffsets) {}

    private static Dataset produce(
            EmbeddedKafka kafka,
            String prefix,
            SimulatedFleet fleet,
            int ticks,
            Corpus corpus,
            int badEvery,
            boolean rejected) {
        for (String topic : topics(prefix)) {
            kafka.createTopic(topic, PARTITIONS);
        }
        kafka.createTopic(prefix + ".deadletter", 1);
        List<CorpusCase> rawCases = cases(corpus, Corpus.RAW, rejected);
        List<CorpusCase> changeCases = cases(corpus, Corpus.CHANGES, rejected);
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        long batches = 0;
        long changes = 0;
        long bad = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int t = 0; t < ticks; t++) {
                Instant tick = Corpus.REFERENCE.plus(fleet.interval().multipliedBy(t));
                for (int node = 0; node < fleet.nodeCount(); node++) {
                    send(
                            producer,
                            prefix + ".metrics.raw",
                            fleet.nodeId(node),
                            Corpus.serialize(fleet.batch(node, tick, t + 1)));
                    batches++;
                    if (badEvery > 0 && batches % badEvery == 0) {
                        CorpusCase c = rawCases.get((int) (bad++ % rawCases.size()));
                        send(producer, prefix + ".metrics.raw", c.key(), corpus.bytes(c.name()));
                    }
                }
                if (t % 10 == 0) {
                    for (int node = 0; node < fleet.nodeCount(); node++) {
                        var event = Corpus.changeEvent(fleet.nodeId(node), "bench change " + t);
                        send(producer, prefix + ".changes", event.getNodeId(), Corpus.serialize(event));
                        changes++;
                        if (badEvery > 0 && changes % badEvery == 0) {
                            CorpusCase c = changeCases.get((int) (bad++ % changeCases.size()));
                            send(producer, prefix + ".changes", c.key(), corpus.bytes(c.name()));
                        }
                    }
                }
            }
            producer.flush();
        }
        return new Dataset(
                prefix, batches, batches * fleet.metricsPerNode(), changes, bad, kafka.endOffsets(topics(prefix)));
    }

    /** Seconds the sink takes to consume the variant into a fresh database. */
    private static double runSink(EmbeddedKafka kafka, EmbeddedPostgres postgres, Dataset data, int run, Instant end)
            throws Exception {
        String database = "bench_" + data.prefix + "_" + run;
        postgres.createDatabase(database);
        DataSource dataSource = postgres.dataSource(database);
        Migrations.migrate(dataSource);
        Map<String, String> values = new LinkedHashMap<>();
        values.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        IngestSettings settings = IngestSettings.from(StrataConfig.builder()
                        .environment(Map.of())
                        .defaults(IngestSettings.DEFAULTS_RESOURCE)
                        .overrides(values)
                        .build())
                .withTopics(
                        data.prefix + ".metrics.raw",
                        data.prefix + ".metrics.hourly",
                        data.prefix + ".metrics.daily",
                        data.prefix + ".deadletter")
                .withGroupId(database);
        // The sink validates time against a clock at the end of the data, as if it ran live.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), end));
        long started = System.nanoTime();
        try (SinkIngest sink = SinkIngest.create(
                settings,
                dataSource,
                StateTopics.all(data.prefix + ".inventory", data.prefix + ".pgstate", data.prefix + ".changes"),
                PartitionPreparer.usingDatabaseFunction(),
                clock)) {
            sink.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos(); // hang guard
            while (!caughtUp(dataSource, database, data.endOffsets)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The sink did not catch up with " + data.prefix);
                }
                Thread.sleep(20); // polling interval of the stored offsets
            }
            return (System.nanoTime() - started) / 1e9;
        }
    }

    private static boolean caughtUp(DataSource dataSource, String group, Map<TopicPartition, Long> ends)
            throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT topic, kafka_partition, next_offset FROM sink_offsets WHERE consumer_group = '" + group
                                + "'")) {
            while (rs.next()) {
                stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return ends.entrySet().stream()
                .allMatch(e -> e.getValue() == 0 || stored.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private static List<String> topics(String prefix) {
        return List.of(
                prefix + ".metrics.raw",
                prefix + ".metrics.hourly",
                prefix + ".metrics.daily",
                prefix + ".inventory",
                prefix + ".pgstate",
                prefix + ".changes");
    }

    /** The cases of {@code topic}; without those PostgreSQL rejects unless {@code rejected}. */
    private static List<CorpusCase> cases(Corpus corpus, String topic, boolean rejected) {
        return corpus.cases().stream()
                .filter(c -> c.topic().equals(topic))
                .filter(c -> rejected
                        || c.deadLetters().stream().noneMatch(d -> d.reason().equals("db.rejected")))
                .toList();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
