package io.strata.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.producer.config.FsyncPolicy;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.loadgen.LoadGenerator;
import io.strata.producer.loadgen.LoadPlan;
import io.strata.producer.loadgen.LoadReport;
import io.strata.producer.publish.ProbeProducers;
import io.strata.producer.publish.SpoolPublisher;
import io.strata.producer.spool.Spool;
import io.strata.producer.telemetry.SelfTelemetry;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 7, the fault suite. The load generator feeds one continuous simulated history, slice by slice, through a real
 * broker and PostgreSQL (in this JVM, restartable on the same port and data) and the real streams and sink apps (each
 * in its own JVM, killed with SIGKILL). Each slice carries one fault injected while the slice flows: broker restart,
 * sink killed, streams killed (exactly-once), PostgreSQL restarted, the probe cut off from the broker long enough to
 * spool; then slices with all of them at once. After each slice the database is compared exactly with a
 * recomputation from {@link SimulatedFleet}: raw samples (count, per-series count, sum, min, max, no (series, time)
 * twice), hourly and daily rollups (count, sum, min, max, first, last, increase), change_log, and no dead letters.
 *
 * <p><b>Closed buckets.</b> Streams closes a bucket once its effective time passes the bucket end plus grace (30 s
 * here, see {@link #GRACE}); slices end on hour boundaries, so after a slice every hour but its last one must be in the
 * database, and any bucket present must be complete. The last test waits, idle, until every hour and day of the
 * history is closed and compares them all.
 *
 * <p>Volume and rounds: system properties {@code faults.nodes}, {@code faults.series}, {@code faults.slice-hours},
 * {@code faults.combined-rounds}, {@code faults.rate} (records per second), or {@code faults.soak=true} for the
 * larger preset (the {@code faults-soak} Maven profile sets it); see e2e/README.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSuiteIT.class);

    private static final String DATABASE = "strata_faults";
    private static final String PROBE_LISTENER = "PROBE";
    /** The sink's dead-letter reason for a replayed batch (a sequence at or below the node's last one). */
    private static final String DUPLICATE_SEQUENCE = "invalid.duplicate-sequence";

    private static final long SEED = 7;
    private static final Duration INTERVAL = Duration.ofSeconds(15);
    /**
     * Hourly and daily grace. Long enough that no fault leaves the streams input quiet for that long (a bucket would
     * then close early and be corrected by a later revision); short enough that the final idle wait stays short.
     */
    private static final Duration GRACE = Duration.ofSeconds(30);
    /** Hang guard for every wait on the pipeline; never a pacing delay. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(4);

    private final boolean soak = Boolean.getBoolean("faults.soak");
    private final int nodes = Integer.getInteger("faults.nodes", soak ? 12 : 6);
    private final int series = Integer.getInteger("faults.series", soak ? 16 : 10);
    private final int sliceHours = Integer.getInteger("faults.slice-hours", soak ? 8 : 5);
    private final int combinedRounds = Integer.getInteger("faults.combined-rounds", soak ? 4 : 1);
    private final int rate = Integer.getInteger("faults.rate", soak ? 1500 : 800);

    private final List<String> summaries = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "faults-loadgen");
        thread.setDaemon(true);
        return thread;
    });

    private Path work;
    private EmbeddedPostgres postgres;
    private EmbeddedKafka kafka;
    private TcpProxy proxy;
    private ChildProcess streams;
    private ChildProcess sink;
    private PipelineDatabase database;
    private TopicAudit topics;
    private SimulatedFleet fleet;
    private History history;
    private Instant historyStart;
    private Instant historyEnd;
    private Instant generatedUntil;
    private Producer<String, byte[]> directProducer;
    private Spool spool;
    private SpoolPublisher publisher;
    private PrintWriter progress;
    private int slice;
    private long suiteStart;

    @BeforeAll
    void startPipeline() throws Exception {
        suiteStart = System.nanoTime();
        work = Path.of("target", "faults").toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        progress = new PrintWriter(
                Files.newBufferedWriter(work.resolve("loadgen-progress.log"), StandardCharsets.UTF_8), true);

        fleet = SimulatedFleet.of(SEED, nodes, series, INTERVAL);
        int slices = 5 + combinedRounds;
        // The history ends at the last midnight (UTC), so that its last day can close, and lies within the sink's
        // validation window (raw retention, 30 days).
        historyEnd = Instant.now().truncatedTo(ChronoUnit.DAYS);
        historyStart = historyEnd.minus(Duration.ofHours((long) slices * sliceHours));
        history = new History(fleet, historyStart);
        generatedUntil = historyStart;

        postgres = EmbeddedPostgres.builder().dataDir(work.resolve("postgres")).start();
        postgres.createDatabase(DATABASE);
        database = new PipelineDatabase(postgres.dataSource(DATABASE));

        proxy = new TcpProxy();
        kafka = EmbeddedKafka.builder()
                .dataDir(work.resolve("kafka"))
                .listener(PROBE_LISTENER, proxy.port())
                .start();
        proxy.forwardTo(kafka.listenerPort(PROBE_LISTENER));
        topics = new TopicAudit(kafka.bootstrapServers());
        try (Admin admin = kafka.adminClient()) {
            TopicCatalog.from(StrataConfig.builder()
                            .environment(Map.of())
                            .overrides(Map.of(
                                    StrataConfig.KAFKA_BOOTSTRAP_SERVERS,
                                    kafka.bootstrapServers(),
                                    TopicCatalog.PARTITIONS_KEY,
                                    "3"))
                            .build())
                    .reconcile(admin);
        }

        streams = new ChildProcess("streams", "io.strata.streams.StreamsMain", streamsArgs(), work.resolve("logs"));
        sink = new ChildProcess("sink", "io.strata.sink.SinkMain", sinkArgs(), work.resolve("logs"));
        streams.start();
        sink.start();
        // The sink migrates the schema on start.
        await("the sink to create the schema", () -> database.rawRows() >= 0);

        directProducer = new KafkaProducer<>(
                ProbeProducers.bulkProperties(probeConfig(kafka.bootstrapServers())),
                new StringSerializer(),
                new ByteArraySerializer());
        spool = Spool.open(work.resolve("spool"), 256L << 20, 1L << 20, FsyncPolicy.NEVER, Duration.ofSeconds(1));
        LOG.info(
                "Fault suite: {} nodes x {} series every {}, history {} .. {} in {} slices of {} h, {} records/s{}",
                nodes,
                series,
                INTERVAL,
                historyStart,
                historyEnd,
                slices,
                sliceHours,
                rate,
                soak ? " (soak)" : "");
    }

    @AfterAll
    void stopPipeline() {
        executor.shutdownNow();
        closeQuietly(publisher == null ? null : () -> publisher.close(Duration.ofSeconds(2)));
        closeQuietly(directProducer == null ? null : () -> directProducer.close(Duration.ofSeconds(2)));
        closeQuietly(spool);
        closeQuietly(streams);
        closeQuietly(sink);
        closeQuietly(proxy);
        closeQuietly(kafka);
        closeQuietly(postgres);
        closeQuietly(progress);
        LOG.info(
                "Fault suite summary ({} s in all):{}",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - suiteStart),
                summaries.stream().map(line -> "\n  " + line).reduce("", String::concat));
    }

    @Test
    @Order(1)
    void shouldLoseAndDuplicateNothingWhenTheBrokerRestarts() throws Exception {
        runSlice("broker restart", false, slice -> {
            slice.awaitRawFraction(0.3);
            long started = System.nanoTime();
            kafka.restart();
            slice.note("broker down and back in " + millisSince(started) + " ms");
        });
    }

    @Test
    @Order(2)
    void shouldLoseAndDuplicateNothingWhenTheSinkIsKilled() throws Exception {
        runSlice("sink SIGKILL", false, slice -> {
            slice.awaitRawFraction(0.25);
            long killed = System.nanoTime();
            sink.kill();
            slice.awaitSentFraction(0.2);
            sink.start();
            slice.note("sink restarted " + millisSince(killed) + " ms after SIGKILL");
        });
    }

    @Test
    @Order(3)
    void shouldLoseAndDuplicateNothingWhenStreamsIsKilled() throws Exception {
        runSlice("streams SIGKILL", false, slice -> {
            slice.awaitRawFraction(0.3);
            // Streams has committed rollups of this slice, i.e. it is mid-way through it.
            long hourly = slice.hourlyAtStart();
            await("hourly rollups of this slice", () -> database.hourlyRows() > hourly);
            long killed = System.nanoTime();
            streams.kill();
            slice.awaitSentFraction(0.2);
            streams.start();
            slice.note("streams restarted " + millisSince(killed) + " ms after SIGKILL, "
                    + (database.hourlyRows() - hourly) + " hourly rows of the slice committed before");
        });
    }

    @Test
    @Order(4)
    void shouldLoseAndDuplicateNothingWhenPostgresRestarts() throws Exception {
        runSlice("PostgreSQL restart", false, slice -> {
            slice.awaitRawFraction(0.3);
            long stopped = System.nanoTime();
            postgres.stop();
            slice.awaitSentFraction(0.2);
            postgres.restart();
            slice.note("PostgreSQL down for " + millisSince(stopped) + " ms");
        });
    }

    @Test
    @Order(5)
    void shouldDeliverWhatTheProbeSpooledWhileCutOffFromTheBroker() throws Exception {
        runSlice("probe cut off (spool)", true, slice -> {
            slice.awaitSentAndStored(0.3);
            long cut = System.nanoTime();
            slice.cutProbe();
            slice.awaitSpoolGrowth();
            proxy.open();
            slice.note("probe cut off for " + millisSince(cut) + " ms");
        });
    }

    @Test
    @Order(6)
    void shouldLoseAndDuplicateNothingUnderCombinedFaults() throws Exception {
        // Every round runs even after one failed, so that a soak reports all of them; the first failure is thrown.
        AssertionError failure = null;
        for (int round = 1; round <= combinedRounds; round++) {
            try {
                combinedRound(round);
            } catch (AssertionError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void combinedRound(int round) throws Exception {
        runSlice("combined round " + round, true, slice -> {
            slice.awaitSentAndStored(0.25);
            long started = System.nanoTime();
            slice.cutProbe();
            streams.kill();
            sink.kill();
            kafka.restart();
            postgres.stop();
            slice.awaitSpoolGrowth();
            postgres.restart();
            sink.start();
            streams.start();
            proxy.open();
            slice.note("probe cut, streams and sink SIGKILL, broker restart, PostgreSQL down: all back after "
                    + millisSince(started) + " ms");
            // A second wave while it catches up.
            slice.awaitSentFraction(0.6);
            sink.kill();
            kafka.restart();
            sink.start();
            slice.note("then sink SIGKILL with a broker restart");
        });
    }

    @Test
    @Order(7)
    void shouldCloseEveryHourAndDayOfTheHistoryExactly() {
        long started = System.nanoTime();
        // What was generated: all of the history unless a slice failed before its generator finished.
        Instant end = generatedUntil;
        assertThat(end).as("history generated").isAfter(historyStart);
        Map<String, Aggregate.Figures> hourly = history.rollups(end, History.HOUR_MS);
        Map<String, Aggregate.Figures> daily = history.rollups(end, History.DAY_MS);
        // Idle, Streams' effective time runs on from the last sample with the wall clock: the last hour and day close
        // about a grace and an interval later.
        await(
                "every hourly and daily rollup of the history",
                () -> database.hourlyRows() == hourly.size() && database.dailyRows() == daily.size());
        verify("all buckets closed", end, end, started, List.of());
    }

    // ----------------------------------------------------------------------------------------------------------------

    /** What a fault sees of the slice it is injected into. */
    private final class Slice {
        private final long rawBefore;
        private final long sliceSamples;
        private final long sliceRecords;
        private final long hourlyAtStart;
        private final LoadFeed feed;
        private final List<String> notes = new ArrayList<>();
        private long cutNanos;
        private long pendingAtCut;
        private long bytesAtCut;

        Slice(long rawBefore, long sliceSamples, long sliceRecords, long hourlyAtStart, LoadFeed feed) {
            this.rawBefore = rawBefore;
            this.sliceSamples = sliceSamples;
            this.sliceRecords = sliceRecords;
            this.hourlyAtStart = hourlyAtStart;
            this.feed = feed;
        }

        long hourlyAtStart() {
            return hourlyAtStart;
        }

        /** Waits until the sink stored {@code fraction} of this slice's samples: the fault lands mid-stream. */
        void awaitRawFraction(double fraction) {
            long target = rawBefore + (long) (sliceSamples * fraction);
            await("raw rows >= " + target, () -> database.rawRows() >= target);
            notes.add("fault at " + (database.rawRows() - rawBefore) + "/" + sliceSamples + " slice rows stored");
        }

        /**
         * Waits until the generator handed over {@code fraction} of this slice's records and the sink stored some of
         * them: a fault that cuts the generator off then lands while both ends are busy.
         */
        void awaitSentAndStored(double fraction) {
            long target = (long) (sliceRecords * fraction);
            await("the generator to send " + target + " records", () -> feed.sent() >= target);
            await("rows of this slice", () -> database.rawRows() > rawBefore);
            notes.add("fault at " + feed.sent() + "/" + sliceRecords + " slice records generated, "
                    + (database.rawRows() - rawBefore) + "/" + sliceSamples + " slice rows stored");
        }

        /** Waits until the generator handed over {@code fraction} more of this slice's records. */
        void awaitSentFraction(double fraction) {
            long target = feed.sent() + (long) (sliceRecords * fraction);
            await("the generator to send " + target + " records", () -> feed.sent() >= Math.min(target, sliceRecords));
        }

        /**
         * While cut off: waits until the probe's publisher has seen its sends fail (the outage is real, not a blip
         * the producer hides by retrying) and the spool holds a tenth of the slice more than when the cut began.
         */
        void awaitSpoolGrowth() {
            long cut = cutNanos;
            long before = pendingAtCut;
            long bytesBefore = bytesAtCut;
            long target = before + sliceRecords / 10;
            await("the probe's sends to fail", () -> !publisher.healthy());
            long failedAfter = millisSince(cut);
            await("the spool to grow to " + target + " records", () -> spool.pendingRecords() >= target);
            assertThat(spool.bytes()).as("spool bytes during the cut").isGreaterThan(bytesBefore);
            assertThat(proxy.accepted())
                    .as("probe connections through the proxy")
                    .isPositive();
            notes.add("sends failing " + failedAfter + " ms into the cut; spool grew from " + before + " to "
                    + spool.pendingRecords() + " records (" + bytesBefore + " to " + spool.bytes() + " bytes)");
        }

        /** Cuts the probe off from the broker, noting what the spool held then. */
        void cutProbe() {
            cutNanos = System.nanoTime();
            pendingAtCut = spool.pendingRecords();
            bytesAtCut = spool.bytes();
            proxy.cut();
        }

        void note(String note) {
            notes.add(note);
        }
    }

    @FunctionalInterface
    private interface Fault {
        void inject(Slice slice) throws Exception;
    }

    private void runSlice(String name, boolean spooled, Fault fault) throws Exception {
        long started = System.nanoTime();
        Instant from = historyStart.plus(Duration.ofHours((long) slice * sliceHours));
        Instant to = from.plus(Duration.ofHours(sliceHours));
        slice++;
        long ticks = fleet.tickCount(from, to);
        long sliceRecords = ticks * nodes + nodes; // batches plus one inventory per node
        long sliceSamples = ticks * nodes * series;
        long rawBefore = fleet.tickCount(historyStart, from) * nodes * series;
        LoadFeed feed = new LoadFeed(rate);
        Producer<String, byte[]> target;
        if (spooled) {
            startPublisher();
            target = feed.spooled(spool, TopicCatalog.METRICS_RAW, series);
        } else {
            target = feed.direct(directProducer);
        }
        LoadGenerator generator = new LoadGenerator(
                target, TopicCatalog.METRICS_RAW, TopicCatalog.INVENTORY, Clock.systemUTC(), progress);
        LoadPlan plan = new LoadPlan(SEED, nodes, series, INTERVAL, from, to, false);
        Future<LoadReport> run = executor.submit(() -> generator.run(plan));
        Slice current = new Slice(rawBefore, sliceSamples, sliceRecords, database.hourlyRows(), feed);
        try {
            fault.inject(current);
        } finally {
            // Whatever happened, every process and the network come back before the comparison.
            if (!postgres.isRunning()) {
                postgres.restart();
            }
            if (!kafka.isRunning()) {
                kafka.restart();
            }
            proxy.open();
            if (!sink.isAlive()) {
                sink.start();
            }
            if (!streams.isAlive()) {
                streams.start();
            }
        }
        LoadReport report = run.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        generatedUntil = to;
        assertThat(report.failures())
                .as("records the broker did not acknowledge")
                .isZero();
        assertThat(report.samples()).as("samples generated").isEqualTo(sliceSamples);
        if (spooled) {
            await("the spool to drain", () -> spool.pendingRecords() == 0 && publisher.healthy());
            current.note("spool drained");
        }
        verify(name, to, to.minus(INTERVAL).minus(GRACE), started, current.notes);
    }

    /**
     * Waits for the pipeline to hold everything generated before {@code to} and every bucket ending by {@code
     * closedBy}, then compares exactly.
     */
    private void verify(String name, Instant to, Instant closedBy, long startedNanos, List<String> notes) {
        Map<String, Aggregate.Figures> expectedRaw = history.raw(to);
        long expectedRows = expectedRaw.values().stream()
                .mapToLong(Aggregate.Figures::count)
                .sum();
        Map<String, Aggregate.Figures> expectedHourly = history.rollups(to, History.HOUR_MS);
        Map<String, Aggregate.Figures> expectedDaily = history.rollups(to, History.DAY_MS);
        List<String> requiredHourly = closedKeys(expectedHourly, History.HOUR_MS, closedBy);
        List<String> requiredDaily = closedKeys(expectedDaily, History.DAY_MS, closedBy);

        await(
                name + ": " + expectedRows + " raw rows, " + requiredHourly.size() + " hourly and "
                        + requiredDaily.size() + " daily rollups",
                () -> database.rawRows() >= expectedRows
                        && database.hourlyRows() >= requiredHourly.size()
                        && database.dailyRows() >= requiredDaily.size());

        assertThat(streams.isAlive())
                .as("streams still running (exit code %s)", streams.exitCode())
                .isTrue();
        assertThat(sink.isAlive())
                .as("sink still running (exit code %s)", sink.exitCode())
                .isTrue();

        // Every check runs and is reported, so that one failure still shows how the rest of the pipeline fared.
        SoftAssertions softly = new SoftAssertions();
        TopicAudit.Published published = topics.published(TopicCatalog.METRICS_RAW);
        long rows = database.rawRows();
        long duplicates = database.duplicateSamples();
        softly.assertThat(duplicates)
                .as("(series, measured_at) stored more than once; %s", published)
                .isZero();
        softly.assertThat(database.duplicateSeries())
                .as("series defined more than once")
                .isZero();
        softly.assertThat(rows).as("raw rows").isEqualTo(expectedRows);
        Map<String, Aggregate.Figures> actualRaw = database.raw();
        softly.assertThat(mismatches(expectedRaw, actualRaw, expectedRaw.keySet()))
                .as("raw samples per series (count, sum, min, max)")
                .isEmpty();

        Map<String, Aggregate.Figures> actualHourly = database.rollups("rollups_hourly");
        softly.assertThat(mismatches(expectedHourly, actualHourly, requiredHourly))
                .as("hourly rollups")
                .isEmpty();
        Map<String, Aggregate.Figures> actualDaily = database.rollups("rollups_daily");
        softly.assertThat(mismatches(expectedDaily, actualDaily, requiredDaily))
                .as("daily rollups")
                .isEmpty();

        List<String> expectedChanges = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            expectedChanges.add(fleet.nodeId(node) + "|node|registered");
        }
        softly.assertThat(database.changeLog()).as("change_log").containsExactlyElementsOf(expectedChanges);
        softly.assertThat(database.count("SELECT count(*) FROM system_nodes"))
                .as("system_nodes")
                .isEqualTo(nodes);
        // A batch published twice must be dropped as a replay (the sink dead-letters it as a duplicate sequence);
        // nothing else may be dead-lettered.
        Map<String, Long> deadLetters = topics.deadLetters(TopicCatalog.DEADLETTER);
        softly.assertThat(deadLetters)
                .as("dead letters by reason; %s", published)
                .isEqualTo(
                        published.duplicatedBatches() == 0
                                ? Map.of()
                                : Map.of(DUPLICATE_SEQUENCE, published.duplicatedBatches()));

        String summary = String.format(
                "%-22s generated %,d samples (slice end %s) | raw rows %,d, %d series, %d duplicated"
                        + " | hourly %,d compared (%d required), revisions %s | daily %d compared (%d required),"
                        + " revisions %s | change_log %d | batches published twice %d | dead letters %s | %.1f s | %s",
                name,
                expectedRows,
                to,
                rows,
                actualRaw.size(),
                duplicates,
                actualHourly.size(),
                requiredHourly.size(),
                database.revisions("rollups_hourly"),
                actualDaily.size(),
                requiredDaily.size(),
                database.revisions("rollups_daily"),
                expectedChanges.size(),
                published.duplicatedBatches(),
                deadLetters,
                (System.nanoTime() - startedNanos) / 1e9,
                String.join("; ", notes));
        summaries.add(summary);
        if (softly.wasSuccess()) {
            LOG.info("FAULT {}", summary);
        } else {
            LOG.error("FAULT {} FAILED: {}", summary, softly.errorsCollected());
        }
        softly.assertAll();
    }

    /** Keys of buckets that end by {@code closedBy}. */
    private static List<String> closedKeys(Map<String, Aggregate.Figures> buckets, long widthMs, Instant closedBy) {
        return buckets.keySet().stream()
                .filter(key -> Instant.parse(key.substring(key.lastIndexOf('@') + 1))
                                .plusMillis(widthMs)
                                .compareTo(closedBy)
                        <= 0)
                .toList();
    }

    /**
     * What differs: every required key must be present and equal, and every present key must be expected and equal
     * (a bucket emitted early, incomplete, or for a time never generated is a mismatch). At most 20 lines.
     */
    private static List<String> mismatches(
            Map<String, Aggregate.Figures> expected,
            Map<String, Aggregate.Figures> actual,
            java.util.Collection<String> required) {
        List<String> problems = new ArrayList<>();
        for (String key : required) {
            if (!actual.containsKey(key)) {
                problems.add("missing " + key + " expected " + expected.get(key));
            }
        }
        for (Map.Entry<String, Aggregate.Figures> entry : actual.entrySet()) {
            Aggregate.Figures want = expected.get(entry.getKey());
            if (want == null) {
                problems.add("unexpected " + entry.getKey() + " " + entry.getValue());
            } else if (!want.equals(entry.getValue())) {
                problems.add("differs " + entry.getKey() + ": expected " + want + ", found " + entry.getValue());
            }
        }
        return problems.size() > 20 ? problems.subList(0, 20) : problems;
    }

    private void startPublisher() {
        if (publisher != null) {
            return;
        }
        // The probe's own producer settings, bootstrapped through the proxy: the broker advertises the proxy's port
        // on the PROBE listener, so every connection of this producer goes through it.
        ProbeConfig config = probeConfig("127.0.0.1:" + proxy.port());
        Supplier<Producer<String, byte[]>> producers = () -> ProbeProducers.create(config);
        publisher = new SpoolPublisher(
                spool,
                producers,
                new SelfTelemetry(),
                TopicCatalog.METRICS_RAW,
                TopicCatalog.INVENTORY,
                Duration.ofMillis(200));
        publisher.start();
    }

    private ProbeConfig probeConfig(String bootstrapServers) {
        return ProbeConfig.from(StrataConfig.builder()
                .defaults(ProbeConfig.DEFAULTS)
                .environment(Map.of())
                .overrides(Map.of(
                        StrataConfig.KAFKA_BOOTSTRAP_SERVERS,
                        bootstrapServers,
                        "probe.node-name",
                        "faults-probe",
                        "probe.spool-dir",
                        work.resolve("spool").toString(),
                        "probe.http.port",
                        "-1",
                        // A send fails (and the publisher reports it) after this long without the broker.
                        "probe.send.timeout",
                        "4s"))
                .build());
    }

    private List<String> streamsArgs() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(TopicCatalog.PARTITIONS_KEY, "3");
        values.put("kafka.application.id", "strata-faults-streams");
        values.put("kafka.state.dir", work.resolve("streams-state").toString());
        values.put("kafka.num.standby.replicas", "0");
        // A killed member holds its tasks until its session expires; a rebalance waits for members the broker
        // still lists: keep both short (the broker's minimum session is 6 s).
        values.put("kafka.session.timeout.ms", "6000");
        values.put("kafka.heartbeat.interval.ms", "1500");
        values.put("kafka.max.poll.interval.ms", "30000");
        values.put("streams.http.host", "127.0.0.1");
        values.put("streams.http.port", "0");
        values.put("rollup.hourly.grace", GRACE.toSeconds() + "s");
        values.put("rollup.daily.grace", GRACE.toSeconds() + "s");
        values.put("rollup.punctuate-interval", "1s");
        List<String> args = new ArrayList<>();
        values.forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
        return args;
    }

    private List<String> sinkArgs() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("db.user", postgres.user());
        values.put(TopicCatalog.PARTITIONS_KEY, "3");
        values.put("sink.group-id", "strata-faults-sink");
        values.put("sink.http.host", "127.0.0.1");
        values.put("sink.http.port", "0");
        values.put("kafka.session.timeout.ms", "6000");
        values.put("kafka.heartbeat.interval.ms", "1500");
        // Retry a lost database every second or two rather than backing off to 30 s.
        values.put("sink.retry.max", "2s");
        List<String> args = new ArrayList<>(List.of(
                "run", "--bootstrap-servers", kafka.bootstrapServers(), "--db-url", postgres.jdbcUrl(DATABASE)));
        values.forEach((key, value) -> {
            args.add("-D");
            args.add(key + "=" + value);
        });
        return args;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + HANG_GUARD + " waiting for " + what);
            }
            try {
                Thread.sleep(200); // polling interval of a condition, not a pacing delay
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed", closeable, e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
