package io.strata.producer.bench;

import io.strata.embedded.EmbeddedKafka;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.loadgen.LoadGenerator;
import io.strata.producer.loadgen.LoadPlan;
import io.strata.producer.loadgen.LoadReport;
import io.strata.producer.publish.ProbeProducers;
import io.strata.producer.run.ProbeCollectors;
import io.strata.producer.telemetry.SelfTelemetry;
import io.strata.schemas.topic.TopicCatalog;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The probe's benchmark, a program (not a test): prints
 *
 * <ol>
 *   <li>CPU time per host collection, in process (the collecting thread's CPU, after warm-up);
 *   <li>CPU per interval and steady RSS of {@code strata-probe run} as a separate process at default settings (10 s),
 *       with the JVM's defaults and with the lean flags the README recommends;
 *   <li>the same for {@code prometheus-node-exporter} (Debian package), scraped at the same interval;
 *   <li>loadgen samples/s into an embedded broker.
 * </ol>
 *
 * <p>Run from the repository root (the classes of this worktree first, so that the reactor's schemas win over an
 * installed one):
 *
 * <pre>
 * ./mvnw -o -q -pl producer -am package -DskipTests
 * ./mvnw -o -q -pl producer dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp producer/target/test-classes:producer/target/classes:schemas/target/classes:embedded/target/classes:$(cat
 *     producer/target/cp.txt) io.strata.producer.bench.ProbeBenchmark 180 producer/target/strata-probe.jar
 * </pre>
 *
 * <p>Arguments (optional): the
 * observation time in seconds (default 90) and the path of {@code strata-probe.jar} (default target/strata-probe.jar).
 */
public final class ProbeBenchmark {

    /** The JVM flags the README recommends for a small footprint. */
    static final List<String> LEAN_FLAGS = List.of(
            "-Xms8m",
            "-Xmx32m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-XX:-UsePerfData");

    private ProbeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 90;
        Path jar = Path.of(args.length > 1 ? args[1] : "target/strata-probe.jar");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.printf(
                "strata-probe benchmark on %d cores, %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.version"));

        inProcessCollection(out);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (String topic : List.of(TopicCatalog.METRICS_RAW, TopicCatalog.INVENTORY, TopicCatalog.PGSTATE)) {
                kafka.createTopic(topic, 1);
            }
            if (Files.exists(jar)) {
                probeProcess(out, kafka, jar, List.of(), "JVM defaults", seconds);
                probeProcess(out, kafka, jar, LEAN_FLAGS, "lean flags", seconds);
            } else {
                out.printf("(no %s: build it with package to measure the probe process)%n", jar);
            }
            nodeExporter(out, seconds, List.of(), "default collectors");
            // The probe counts TCP connections by state; node_exporter does that only with tcpstat, off by default.
            nodeExporter(out, seconds, List.of("--collector.tcpstat"), "default collectors + tcpstat");
            loadgen(out, kafka);
        }
    }

    private static void inProcessCollection(PrintWriter out) {
        ProbeConfig config = ProbeConfig.load(null, Map.of(), Map.of());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (ProbeCollectors collectors = new ProbeCollectors(config, Clock.systemUTC(), new SelfTelemetry(), null)) {
            for (int i = 0; i < 20; i++) {
                collectors.collectMetrics(i, 10_000L);
            }
            int rounds = 100;
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            int samples = 0;
            for (int i = 0; i < rounds; i++) {
                samples = collectors.collectMetrics(i, 10_000L).getSamples().size();
            }
            out.printf(
                    Locale.ROOT,
                    "host collection (in process, after warm-up): %.2f ms CPU, %.2f ms wall per round, %d samples%n",
                    (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / rounds,
                    (System.nanoTime() - wall) / 1e6 / rounds,
                    samples);
            long inventoryCpu = threads.getCurrentThreadCpuTime();
            collectors.collectInventory();
            out.printf(
                    Locale.ROOT,
                    "inventory collection: %.1f ms CPU (every 5 min by default)%n",
                    (threads.getCurrentThreadCpuTime() - inventoryCpu) / 1e6);
        }
    }

    private static void probeProcess(
            PrintWriter out, EmbeddedKafka kafka, Path jar, List<String> flags, String label, int seconds)
            throws Exception {
        Path spool = Files.createTempDirectory("strata-bench-spool");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "run",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--spool-dir",
                spool.toString(),
                "-D",
                "probe.http.port=0"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            ProcessHandle handle = process.toHandle();
            int warmUp = Math.min(30, seconds / 3);
            Thread.sleep(warmUp * 1000L);
            Duration cpuStart = handle.info().totalCpuDuration().orElse(Duration.ZERO);
            long maxRss = 0;
            long lastRss = 0;
            for (int second = warmUp; second < seconds; second++) {
                Thread.sleep(1000);
                lastRss = rssKb(process.pid());
                maxRss = Math.max(maxRss, lastRss);
            }
            Duration cpu =
                    handle.info().totalCpuDuration().orElse(Duration.ZERO).minus(cpuStart);
            double intervals = (seconds - warmUp) / 10.0;
            out.printf(
                    Locale.ROOT,
                    "strata-probe run (%s, interval 10s): %.1f ms CPU per interval (whole process, %d s observed),"
                            + " RSS %d MB steady, %d MB max%n",
                    label,
                    cpu.toNanos() / 1e6 / intervals,
                    seconds - warmUp,
                    lastRss / 1024,
                    maxRss / 1024);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static void nodeExporter(PrintWriter out, int seconds, List<String> flags, String label) throws Exception {
        Path binary = Path.of("/usr/bin/prometheus-node-exporter");
        if (!Files.isExecutable(binary)) {
            out.println("prometheus-node-exporter: not installed (apt-get install prometheus-node-exporter)");
            return;
        }
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--web.listen-address=127.0.0.1:" + port));
        command.addAll(flags);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build();
            Thread.sleep(1000);
            int series = 0;
            for (int i = 0; i < 3; i++) { // warm-up
                series = (int) http.send(scrape, HttpResponse.BodyHandlers.ofString())
                        .body()
                        .lines()
                        .filter(line -> !line.startsWith("#"))
                        .count();
            }
            int scrapes = Math.max(3, seconds / 10);
            ProcessHandle handle = process.toHandle();
            Duration cpuStart = handle.info().totalCpuDuration().orElse(Duration.ZERO);
            long maxRss = 0;
            for (int i = 0; i < scrapes; i++) {
                http.send(scrape, HttpResponse.BodyHandlers.discarding());
                Thread.sleep(10_000L * seconds / 10 / scrapes);
                maxRss = Math.max(maxRss, rssKb(process.pid()));
            }
            Duration cpu =
                    handle.info().totalCpuDuration().orElse(Duration.ZERO).minus(cpuStart);
            out.printf(
                    Locale.ROOT,
                    "prometheus-node-exporter (%s, scraped every 10s): %.1f ms CPU per scrape (whole process), RSS"
                            + " %d MB, %d series per scrape%n",
                    label,
                    cpu.toNanos() / 1e6 / scrapes,
                    maxRss / 1024,
                    series);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static void loadgen(PrintWriter out, EmbeddedKafka kafka) throws Exception {
        ProbeConfig config =
                ProbeConfig.load(null, Map.of(), Map.of("kafka.bootstrap.servers", kafka.bootstrapServers()));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        int nodes = 100;
        int metrics = 100;
        LoadPlan plan =
                new LoadPlan(42, nodes, metrics, Duration.ofSeconds(10), from, from.plus(Duration.ofHours(2)), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                ProbeProducers.bulkProperties(config), new StringSerializer(), new ByteArraySerializer())) {
            LoadReport report = new LoadGenerator(
                            producer,
                            TopicCatalog.METRICS_RAW,
                            TopicCatalog.INVENTORY,
                            Clock.systemUTC(),
                            new PrintWriter(System.err, true, StandardCharsets.UTF_8))
                    .run(plan);
            out.printf(
                    Locale.ROOT,
                    "loadgen into the embedded broker (same JVM): %d nodes x %d series x %d ticks = %d samples in %.1f s:"
                            + " %.0f samples/s (%d failed)%n",
                    nodes,
                    metrics,
                    report.ticks(),
                    report.samples(),
                    report.nanos() / 1e9,
                    report.samplesPerSecond(),
                    report.failures());
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
