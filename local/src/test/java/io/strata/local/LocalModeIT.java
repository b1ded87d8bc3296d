package io.strata.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.producer.config.FsyncPolicy;
import io.strata.producer.publish.SequenceStore;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The done-when of the local mode, on the shaded jar as a user runs it: {@code --simulate-nodes 20 --backfill 26h} on a
 * fresh data directory (ports 0, smaller grace so the daily bucket closes at once, one-minute simulated ticks to keep
 * it short), then a restart on the same directory.
 */
class LocalModeIT {

    private static final Path JAR = Path.of("target", "strata-local.jar");
    private static final int NODES = 20;
    private static final int METRICS = 5;
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final Pattern READ_URL = Pattern.compile("postgresql://strata_read@127\\.0\\.0\\.1:(\\d+)/strata");
    private static final Pattern KAFKA = Pattern.compile("^\\s+kafka\\s+(127\\.0\\.0\\.1:\\d+)");
    private static final Pattern PROBE_NODE = Pattern.compile("^\\s+probe\\s+node (\\S+)");

    @TempDir
    Path dataDir;

    private final List<Run> runs = new ArrayList<>();

    @AfterEach
    void stopWhatIsStillRunning() throws Exception {
        // A failed assertion must not leave a JVM (and its PostgreSQL) behind.
        for (Run run : runs) {
            if (run.process.isAlive()) {
                run.stop();
            }
        }
    }

    private Run start(String name) throws IOException {
        Run run = Run.start(dataDir, name);
        runs.add(run);
        return run;
    }

    @Test
    void shouldShowTheSimulatedFleetWithRollupsAndKeepEverythingAcrossARestart() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.of(42, NODES, METRICS, INTERVAL);
        Set<String> simulated = new HashSet<>();
        for (int node = 0; node < NODES; node++) {
            simulated.add(fleet.nodeId(node));
        }

        long startedMs = System.currentTimeMillis();
        Run first = start("first");
        first.awaitReady();
        System.out.printf("strata-local first start: ready after %.1f s%n", first.readySeconds);
        String jdbc = "jdbc:postgresql://127.0.0.1:" + first.pgPort + "/strata";
        Map<String, Long> before;
        try (Connection db = DriverManager.getConnection(jdbc, "strata_read", "")) {
            await(
                    "21 nodes, raw/hourly/daily rows and registrations for every node",
                    () -> {
                        Snapshot now = Snapshot.of(db);
                        return now.overview == NODES + 1
                                && now.rawNodes.size() == NODES + 1
                                && now.hourlyNodes.containsAll(simulated)
                                && now.dailyNodes.containsAll(simulated)
                                && now.registered.size() == NODES + 1
                                && now.performanceRows > 0;
                    },
                    () -> Snapshot.of(db).toString());
            // Let the probe send a few more batches, then stop.
            await(
                    "the probe collected a few batches",
                    () -> SequenceStore.open(dataDir.resolve("probe"), FsyncPolicy.NEVER)
                                    .last()
                            >= 3,
                    () -> "sequence "
                            + SequenceStore.open(dataDir.resolve("probe"), FsyncPolicy.NEVER)
                                    .last());
            before = counts(db);
            assertThat(query(db, "SELECT count(*) FROM v_performance_summary")).isPositive();
            assertThat(query(db, "SELECT count(DISTINCT change_type) FROM change_log"))
                    .isPositive();
        }
        String probeNode = first.probeNode;
        assertThat(simulated).doesNotContain(probeNode);
        assertThat(first.stop()).as("stops cleanly on SIGTERM").contains("strata local: stopped");
        assertThat(first.lines.stream().filter(l -> l.startsWith("strata local: ready")))
                .hasSize(1);
        long lastSequence =
                SequenceStore.open(dataDir.resolve("probe"), FsyncPolicy.NEVER).last();
        assertThat(lastSequence).isPositive();

        Run second = start("second");
        second.awaitReady();
        System.out.printf("strata-local restart: ready after %.1f s%n", second.readySeconds);
        assertThat(second.probeNode).isEqualTo(probeNode);
        jdbc = "jdbc:postgresql://127.0.0.1:" + second.pgPort + "/strata";
        try (Connection db = DriverManager.getConnection(jdbc, "strata_read", "")) {
            Map<String, Long> after = counts(db);
            before.forEach((what, count) ->
                    assertThat(after.get(what)).as(what + " kept").isGreaterThanOrEqualTo(count));
            assertThat(after.get("system_nodes")).isEqualTo(NODES + 1);
            // The probe's sequence numbers continue: every batch of this node has its own number.
            List<Long> sequences = probeSequences(second.bootstrap, probeNode, lastSequence);
            // A fresh spool numbers from the wall clock, then one by one across the restart.
            assertThat(sequences.get(0)).isGreaterThanOrEqualTo(startedMs);
            assertThat(sequences)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(sequences.get(0), sequences.get(sequences.size() - 1))
                                    .boxed()
                                    .toList());
            assertThat(sequences).contains(lastSequence);
            assertThat(sequences).anyMatch(sequence -> sequence > lastSequence);
            // The simulated fleet resumed at the next tick: no tick was sent twice.
            await(
                    "the simulated fleet resumed",
                    () -> query(db, "SELECT count(*) FROM metric_samples") > after.get("metric_samples"),
                    () -> "");
            assertThat(query(db, "SELECT count(*) - count(DISTINCT (series_id, measured_at)) FROM metric_samples"))
                    .as("samples written twice")
                    .isZero();
            // Each node registered once (a new local PostgreSQL port registers a new instance, not a node).
            assertThat(query(
                            db,
                            "SELECT count(*) FROM change_log WHERE change_category = 'registered'"
                                    + " AND table_affected = 'system_nodes'"))
                    .isEqualTo(NODES + 1);
        }
        // Killed (SIGKILL): PostgreSQL outlives the JVM; the next run stops it, and everything resumes.
        long killedSamples;
        try (Connection db = DriverManager.getConnection(jdbc, "strata_read", "")) {
            killedSamples = query(db, "SELECT count(*) FROM metric_samples");
        }
        second.kill();
        Run third = start("third");
        third.awaitReady();
        System.out.printf("strata-local after SIGKILL: ready after %.1f s%n", third.readySeconds);
        assertThat(third.lines).anyMatch(line -> line.contains("left running by an earlier strata-local"));
        jdbc = "jdbc:postgresql://127.0.0.1:" + third.pgPort + "/strata";
        try (Connection db = DriverManager.getConnection(jdbc, "strata_read", "")) {
            assertThat(query(db, "SELECT count(*) FROM system_nodes")).isEqualTo(NODES + 1);
            await(
                    "the sink writes again after the kill",
                    () -> query(db, "SELECT count(*) FROM metric_samples") > killedSamples,
                    () -> "samples " + query(db, "SELECT count(*) FROM metric_samples"));
        }
        assertThat(third.stop()).contains("strata local: stopped");
        assertThat(third.lines.stream().filter(l -> l.startsWith("strata local: ready")))
                .hasSize(1);
    }

    private static Map<String, Long> counts(Connection db) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table :
                List.of("system_nodes", "metric_samples", "rollups_hourly", "rollups_daily", "change_log")) {
            counts.put(table, query(db, "SELECT count(*) FROM " + table));
        }
        return counts;
    }

    private static long query(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Set<String> strings(Connection db, String sql) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** The sequence numbers of the probe's batches on the raw topic, once one beyond {@code after} is there. */
    private static List<Long> probeSequences(String bootstrap, String node, long after) throws Exception {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<Long> sequences = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(TopicCatalog.METRICS_RAW).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (sequences.stream().noneMatch(s -> s > after) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (node.equals(record.key())) {
                        MetricBatch batch = AvroSerdes.metricBatch().deserialize(record.topic(), record.value());
                        sequences.add(batch.getSequence());
                    }
                }
            }
        }
        return sequences;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    interface Describe {
        String get() throws Exception;
    }

    private static void await(String what, Check check, Describe state) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not reached within " + WAIT + ": " + what + "; now " + state.get());
            }
            Thread.sleep(1000);
        }
    }

    /** What the read-only role sees. */
    private record Snapshot(
            long overview,
            Set<String> rawNodes,
            Set<String> hourlyNodes,
            Set<String> dailyNodes,
            Set<String> registered,
            long performanceRows) {
        static Snapshot of(Connection db) throws SQLException {
            String perNode = "SELECT DISTINCT n.node_key FROM system_nodes n JOIN metric_series s ON s.node_id = n.id"
                    + " WHERE EXISTS (SELECT 1 FROM %s x WHERE x.series_id = s.id)";
            return new Snapshot(
                    query(db, "SELECT count(*) FROM v_system_overview"),
                    strings(db, perNode.formatted("metric_samples")),
                    strings(db, perNode.formatted("rollups_hourly")),
                    strings(db, perNode.formatted("rollups_daily")),
                    strings(
                            db,
                            "SELECT DISTINCT node_key FROM change_log WHERE change_category = 'registered'"
                                    + " AND table_affected = 'system_nodes'"),
                    query(db, "SELECT count(*) FROM v_performance_summary"));
        }

        @Override
        public String toString() {
            return "overview=" + overview + ", raw nodes=" + rawNodes.size() + ", hourly nodes=" + hourlyNodes.size()
                    + ", daily nodes=" + dailyNodes.size() + ", registered=" + registered.size()
                    + ", performance rows=" + performanceRows;
        }
    }

    /** One strata-local process. */
    private static final class Run {
        final Process process;
        final Thread reader;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final long startedNanos = System.nanoTime();
        volatile double readySeconds = -1;
        volatile int pgPort;
        volatile String bootstrap;
        volatile String probeNode;

        private Run(Process process, String name, PrintStream log) {
            this.process = process;
            reader = new Thread(
                    () -> {
                        try (BufferedReader in = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line = in.readLine(); line != null; line = in.readLine()) {
                                onLine(line);
                                log.println("[" + name + "] " + line);
                            }
                        } catch (IOException e) {
                            log.println("[" + name + "] output closed: " + e);
                        }
                    },
                    "strata-local-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        static Run start(Path dataDir, String name) throws IOException {
            assertThat(JAR).as("the shaded jar (mvn package)").exists();
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(
                    java,
                    "-Xmx1g",
                    "-jar",
                    JAR.toString(),
                    "--data-dir",
                    dataDir.toString(),
                    "--kafka-port",
                    "0",
                    "--pg-port",
                    "0",
                    "--simulate-nodes",
                    Integer.toString(NODES),
                    "--simulate-metrics",
                    Integer.toString(METRICS),
                    "--simulate-interval",
                    "1m",
                    "--backfill",
                    "26h",
                    "--status-interval",
                    "2s",
                    "-D",
                    "rollup.hourly.grace=1m",
                    "-D",
                    "rollup.daily.grace=10m",
                    "-D",
                    "rollup.punctuate-interval=1s",
                    "-D",
                    "probe.interval=1s");
            Files.createDirectories(Path.of("target"));
            PrintStream log = new PrintStream(
                    Files.newOutputStream(Path.of("target", "LocalModeIT-" + name + ".log")),
                    true,
                    StandardCharsets.UTF_8);
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            return new Run(process, name, log);
        }

        private void onLine(String line) {
            lines.add(line);
            if (line.startsWith("strata local: ready")) {
                Matcher url = READ_URL.matcher(line);
                if (url.find()) {
                    pgPort = Integer.parseInt(url.group(1));
                }
                readySeconds = (System.nanoTime() - startedNanos) / 1e9;
            }
            Matcher kafka = KAFKA.matcher(line);
            if (kafka.find()) {
                bootstrap = kafka.group(1);
            }
            Matcher probe = PROBE_NODE.matcher(line);
            if (probe.find()) {
                probeNode = probe.group(1);
            }
        }

        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            Predicate<Run> ready = run -> run.readySeconds >= 0 && run.probeNode != null && run.bootstrap != null;
            while (!ready.test(this)) {
                assertThat(process.isAlive())
                        .as("strata-local exited before ready: %s", String.join("\n", lines))
                        .isTrue();
                assertThat(System.nanoTime()).as("ready within " + WAIT).isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(pgPort).isPositive();
        }

        /** SIGKILL: no shutdown hook runs. */
        void kill() throws Exception {
            process.toHandle().destroyForcibly();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        }

        /** SIGTERM, then the whole output once it exited. */
        String stop() throws Exception {
            // SIGTERM through the handle: Process.destroy() would also close our end of its output.
            process.toHandle().destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("strata-local did not stop within 2 minutes of SIGTERM");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30)); // the output ends with the process: the reader drains it
            return String.join("\n", lines);
        }
    }
}
