package io.strata.local;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.publish.ProbeProducers;
import io.strata.producer.run.ProbeRunner;
import io.strata.schemas.config.Durations;
import io.strata.schemas.topic.ReconcileReport;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.app.SinkApp;
import io.strata.streams.StreamsApp;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local run: starts everything in dependency order, prints the ready block and status lines, and on stop (the
 * duration, SIGTERM, Ctrl-C) shuts everything down in reverse order: producers first, so what they sent is consumed
 * by streams and the sink before those stop; then the broker and the database.
 */
final class LocalRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);
    private static final Duration STREAMS_READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String SINK_GROUP = "strata-sink";
    private static final String STREAMS_GROUP = "strata-streams";

    private final LocalOptions options;
    private final PrintWriter out;
    private final List<AutoCloseable> started = new ArrayList<>();
    private DataDirectory dataDir;
    private EmbeddedKafka kafka;
    private EmbeddedPostgres postgres;
    private SinkApp sink;
    private StreamsApp streams;
    private ProbeRunner probe;
    private SimulatedLoad simulated;
    private Admin admin;
    private ScheduledExecutorService status;
    private volatile boolean stopping;

    private LocalRun(LocalOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs until the duration passed or the JVM is asked to stop; returns the exit code. */
    static int run(LocalOptions options, PrintWriter out) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        LocalRun run = new LocalRun(options, out);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        // The JVM exits when the hooks return: finish the clean shutdown first.
                        closed.await(90, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "strata-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run.start();
            CompletableFuture<Integer> streamsStopped = run.streams.stopped();
            streamsStopped.thenRun(stop::countDown);
            if (options.duration() == null) {
                stop.await();
            } else if (!stop.await(options.duration().toMillis(), TimeUnit.MILLISECONDS)) {
                out.println("strata local: --duration " + Durations.format(options.duration()) + " elapsed");
            }
            if (streamsStopped.isDone() && streamsStopped.getNow(0) != 0) {
                out.println("strata local: the streams application stopped on an error (see the log); stopping");
                return LocalCli.EXIT_FAILURE;
            }
            return 0;
        } finally {
            out.println("strata local: stopping");
            out.flush();
            run.close();
            out.println("strata local: stopped; data kept in " + options.dataDir());
            out.flush();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is waiting for `closed`
            }
        }
    }

    private void start() {
        long started = System.nanoTime();
        out.println("strata local: starting in " + options.dataDir());
        out.flush();
        dataDir = DataDirectory.open(options.dataDir());
        dataDir.recoverPostgres();
        startBrokerAndDatabase();
        LocalConfigs configs =
                new LocalConfigs(options, kafka.bootstrapServers(), postgres.jdbcUrl(LocalDatabase.DATABASE));
        admin = kafka.adminClient();
        ReconcileReport report = TopicCatalog.from(configs.base()).reconcile(admin);
        LOG.info(
                "Topics: {} created, {} corrected, {} warnings",
                report.created().size(),
                report.corrected().size(),
                report.warnings().size());
        int applied = LocalDatabase.prepare(postgres);
        LOG.info("Database {} ready ({} migrations applied)", LocalDatabase.DATABASE, applied);

        sink = track(SinkApp.start(configs.sink()));
        streams = track(StreamsApp.start(configs.streams()));
        if (options.probe()) {
            probe = track(ProbeRunner.start(ProbeConfig.from(configs.probe()), Clock.systemUTC()));
        }
        if (options.simulateNodes() > 0) {
            ProbeConfig producerConfig = ProbeConfig.from(configs.probe());
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    ProbeProducers.bulkProperties(producerConfig), new StringSerializer(), new ByteArraySerializer());
            simulated = track(SimulatedLoad.start(
                    options.simulateNodes(),
                    options.simulateMetrics(),
                    options.simulateInterval(),
                    options.backfill(),
                    producer,
                    producerConfig.metricsTopic(),
                    producerConfig.inventoryTopic(),
                    dataDir.simulate(),
                    Clock.systemUTC(),
                    Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())));
        }
        awaitStreamsRunning();
        printReady((System.nanoTime() - started) / 1e9);
        StatusLine line = new StatusLine(admin, List.of(STREAMS_GROUP, SINK_GROUP), sink, streams, probe, simulated);
        status = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "strata-local-status");
            thread.setDaemon(true);
            return thread;
        });
        long every = options.statusInterval().toMillis();
        status.scheduleAtFixedRate(
                () -> {
                    try {
                        String text = line.next();
                        if (!stopping) {
                            out.println(text);
                            out.flush();
                        }
                    } catch (RuntimeException e) {
                        LOG.debug("Status line failed", e);
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
    }

    private void startBrokerAndDatabase() {
        // In parallel: initdb and the broker's first start are the slowest steps.
        CompletableFuture<EmbeddedPostgres> pg = CompletableFuture.supplyAsync(() -> {
            try {
                return EmbeddedPostgres.builder()
                        .port(options.pgPort())
                        .dataDir(dataDir.postgres())
                        .startupTimeout(Duration.ofSeconds(120))
                        // Our own hook stops it last, after the sink flushed; zonky's would race with it.
                        .shutdownHook(false)
                        // zonky turns fsync off (-F), fine for throw-away test servers, not for a kept data
                        // directory: a machine crash could corrupt it. Asynchronous commit only loses the last
                        // commits, and the sink's offsets with them (they commit together), so it stays.
                        .serverConfig("fsync", "on")
                        .start();
            } catch (RuntimeException e) {
                throw new LocalModeException(
                        "PostgreSQL did not start on port " + options.pgPort() + " with data in "
                                + dataDir.postgres() + ": " + rootMessage(e)
                                + " (port in use? pass --pg-port 0 or another port)",
                        e);
            }
        });
        try {
            kafka = EmbeddedKafka.builder()
                    .port(options.kafkaPort())
                    .dataDir(dataDir.kafka())
                    .start();
        } catch (RuntimeException e) {
            pg.thenAccept(EmbeddedPostgres::close);
            throw new LocalModeException(
                    "Kafka did not start on port " + options.kafkaPort() + " with data in " + dataDir.kafka() + ": "
                            + rootMessage(e) + " (port in use? pass --kafka-port 0 or another port)",
                    e);
        }
        try {
            postgres = pg.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof LocalModeException local ? local : e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private <T extends AutoCloseable> T track(T app) {
        started.add(app);
        return app;
    }

    private void awaitStreamsRunning() {
        long deadline = System.nanoTime() + STREAMS_READY_TIMEOUT.toNanos();
        while (streams.streams().state() != KafkaStreams.State.RUNNING) {
            if (streams.stopped().isDone()) {
                throw new LocalModeException("The streams application stopped while starting; see the log");
            }
            if (System.nanoTime() > deadline) {
                throw new LocalModeException("The streams application is not running after " + STREAMS_READY_TIMEOUT
                        + " (state " + streams.streams().state() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalModeException("interrupted while starting", e);
            }
        }
    }

    private void printReady(double seconds) {
        String url = readUrl();
        out.printf(Locale.ROOT, "strata local: ready in %.1f s: psql %s%n", seconds, url);
        out.println("  kafka     " + kafka.bootstrapServers() + " (topics strata.*, " + options.partitions()
                + " partitions)");
        out.println("  postgres  " + url + " (read-only role; the sink writes as " + LocalDatabase.SINK_USER
                + "; superuser postgres; local trust authentication)");
        out.println("  data      " + options.dataDir());
        StringBuilder http = new StringBuilder("  http      ");
        http.append("sink :").append(sink.httpPort());
        streams.httpPort().ifPresent(port -> http.append(", streams :").append(port));
        if (probe != null) {
            probe.httpPort().ifPresent(port -> http.append(", probe :").append(port));
        }
        out.println(http.append(" on 127.0.0.1 (/health, /metrics)"));
        if (probe != null) {
            out.println("  probe     node " + probe.nodeId() + " (this host)");
        }
        if (simulated != null) {
            out.println("  simulated " + options.simulateNodes() + " nodes x " + options.simulateMetrics()
                    + " series every " + Durations.format(options.simulateInterval())
                    + (options.backfill().isZero() ? "" : ", backfilling " + Durations.format(options.backfill())));
        }
        out.println("  try:");
        out.println("    psql " + url + " -c 'SELECT * FROM v_system_overview;'");
        out.println("    SELECT node_name, metric_category, metric_name, avg_value, max_value, metric_unit"
                + " FROM v_performance_summary ORDER BY node_name LIMIT 20;");
        out.println("    SELECT detected_at, change_type, change_category, change_description"
                + " FROM change_log ORDER BY id DESC LIMIT 10;");
        out.println("    SELECT s.metric_name, r.bucket_start, r.sample_count, r.sum / r.sample_count AS avg"
                + " FROM rollups_hourly r JOIN metric_series s ON s.id = r.series_id"
                + " ORDER BY r.bucket_start DESC LIMIT 10;");
        out.flush();
    }

    String readUrl() {
        return "postgresql://" + LocalDatabase.READ_USER + "@127.0.0.1:" + postgres.port() + "/"
                + LocalDatabase.DATABASE;
    }

    /** Producers, streams, sink (each flushing what it holds), then the broker and the database. */
    @Override
    public void close() {
        stopping = true;
        if (status != null) {
            status.shutdownNow();
            try {
                status.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<AutoCloseable> apps = new ArrayList<>(started);
        // Producers first (simulated fleet, probe), then streams, then the sink: reverse start order but the sink last.
        apps.sort((a, b) -> Integer.compare(stopOrder(a), stopOrder(b)));
        for (AutoCloseable app : apps) {
            closeQuietly(app);
        }
        if (admin != null) {
            closeQuietly(admin);
        }
        if (kafka != null) {
            closeQuietly(kafka);
        }
        if (postgres != null) {
            closeQuietly(postgres);
        }
        if (dataDir != null) {
            dataDir.close();
        }
    }

    private static int stopOrder(AutoCloseable app) {
        if (app instanceof SimulatedLoad) {
            return 0;
        }
        if (app instanceof ProbeRunner) {
            return 1;
        }
        if (app instanceof StreamsApp) {
            return 2;
        }
        return 3;
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed", resource.getClass().getSimpleName(), e);
        }
    }
}
