package io.strata.streams;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.schemas.config.StartupChecks;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.ops.Health;
import io.strata.schemas.ops.OpsServer;
import io.strata.schemas.topic.ReconcileReport;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.streams.changes.ChangeTopology;
import io.strata.streams.rollup.RollupSettings;
import io.strata.streams.rollup.RollupTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code strata-streams} instance: reconciles the topic catalog, builds {@link RollupTopology} plus {@link
 * ChangeTopology} and runs them in a {@link KafkaStreams} with {@link StreamsErrorHandler} as its uncaught-exception
 * handler, and serves {@code /health} and {@code /metrics} (Prometheus, Kafka Streams' own metrics and the rollup
 * counters) on {@value #HTTP_PORT_KEY} ({@code 0} = any free port, {@code -1} = off).
 *
 * <p>Input: {@code strata.metrics.raw}, {@code strata.inventory}, {@code strata.pgstate}. Output: {@code
 * strata.metrics.hourly}, {@code strata.metrics.daily}, {@code strata.changes}, {@code strata.deadletter}. {@link
 * #stopped()} completes with an exit code when the instance stops on its own (a fatal error: non-zero); {@link
 * #close()} stops it on request.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    /** Key: how many stream threads may be replaced per hour after transient errors. */
    public static final String REPLACEMENTS_KEY = "streams.thread-replacements-per-hour";

    /** Key: the port of {@code /health} and {@code /metrics}; 0 picks a free port, -1 serves nothing. */
    public static final String HTTP_PORT_KEY = "streams.http.port";

    /** Key: the address {@code /health} and {@code /metrics} bind to. */
    public static final String HTTP_HOST_KEY = "streams.http.host";

    /** Key: how long the start waits for the broker to answer; 0 = no check. */
    public static final String STARTUP_TIMEOUT_KEY = "streams.startup.timeout";

    /** The app's defaults resource. */
    public static final String DEFAULTS = "io/strata/streams/streams-defaults.properties";

    /** Exit code after a fatal stream error. */
    public static final int EXIT_FATAL = 1;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CompletableFuture<Integer> stopped = new CompletableFuture<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private OpsServer ops;
    private volatile boolean closing;

    private StreamsApp(KafkaStreams streams) {
        this.streams = streams;
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    /**
     * Reconciles the topics, then starts the rollups.
     *
     * @throws io.strata.schemas.config.ConfigException if the configuration is invalid, or the broker did not answer
     *     within {@value #STARTUP_TIMEOUT_KEY}
     * @throws io.strata.schemas.topic.TopicCatalogException if the topics cannot be reconciled
     */
    public static StreamsApp start(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        // Every value first, so that a bad one is reported as such, not as an unreachable broker.
        RollupSettings settings = RollupSettings.from(config);
        Properties properties = streamsProperties(config);
        int replacements = config.getInt(REPLACEMENTS_KEY, 5);
        int port = config.getInt(HTTP_PORT_KEY, -1);
        reconcileTopics(config, properties);
        Topology topology = ChangeTopology.addTo(RollupTopology.build(settings));
        LOG.info("Starting strata-streams: {}", settings);
        LOG.debug("Topology: {}", topology.describe());
        StreamsApp app = new StreamsApp(new KafkaStreams(topology, properties));
        app.streams.setUncaughtExceptionHandler(new StreamsErrorHandler(replacements, System::currentTimeMillis));
        app.streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR
                    || (newState == KafkaStreams.State.PENDING_SHUTDOWN && !app.closing)) {
                app.stopped.complete(EXIT_FATAL);
            } else if (newState == KafkaStreams.State.NOT_RUNNING) {
                app.stopped.complete(app.closing ? 0 : EXIT_FATAL);
            }
        });
        app.streams.start();
        if (port >= 0) {
            String host = config.find(HTTP_HOST_KEY).orElse("0.0.0.0");
            try {
                app.ops = OpsServer.start(host, port, app.registry, app::health);
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        }
        return app;
    }

    /** Up while Kafka Streams runs or rebalances. */
    Health health() {
        KafkaStreams.State state = streams.state();
        Map<String, String> details = Map.of("kafkaStreams", state.name());
        return state.isRunningOrRebalancing() ? Health.up(details) : Health.down(details);
    }

    /** The port of {@code /health} and {@code /metrics}, if served. */
    public Optional<Integer> httpPort() {
        return Optional.ofNullable(ops).map(OpsServer::port);
    }

    /** The Kafka Streams properties: every {@code kafka.*} key without the prefix. */
    static Properties streamsProperties(StrataConfig config) {
        Properties properties = new Properties();
        properties.putAll(config.kafkaClientProperties());
        // Exactly-once unless the operator explicitly chose otherwise.
        properties.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "strata-streams");
        return properties;
    }

    /**
     * Creates and corrects the Strata topics as the catalog and retention policy say, then returns (for a one-shot
     * init step, {@code strata-streams --reconcile-topics}).
     *
     * @throws io.strata.schemas.topic.TopicCatalogException if the topics cannot be reconciled
     */
    public static void reconcileTopics(StrataConfig config) {
        reconcileTopics(config, streamsProperties(config));
    }

    private static void reconcileTopics(StrataConfig config, Properties streamsProperties) {
        TopicCatalog catalog = TopicCatalog.from(config);
        // The admin client and Kafka Streams retry an unreachable broker for ever: fail the start instead.
        StartupChecks.kafka(config, STARTUP_TIMEOUT_KEY);
        Map<String, Object> adminProperties = new HashMap<>();
        streamsProperties.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains((String) key)) {
                adminProperties.put((String) key, value);
            }
        });
        try (Admin admin = Admin.create(adminProperties)) {
            ReconcileReport report = catalog.reconcile(admin);
            if (report.hasChanges() || !report.isClean()) {
                LOG.info("Topics reconciled: {}", report);
            }
        }
    }

    /** The Kafka Streams instance (metrics, state, store queries). */
    public KafkaStreams streams() {
        return streams;
    }

    /** Completes with the exit code once the instance stopped: 0 after {@link #close()}, non-zero after an error. */
    public CompletableFuture<Integer> stopped() {
        return stopped;
    }

    /** Stops the instance, waiting up to 30 s for the threads to commit and close. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return; // the shutdown hook may close again what a fatal error closed already
            }
            closing = true;
        }
        if (ops != null) {
            ops.close();
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            LOG.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
        }
        streamsMetrics.close();
        registry.close();
        stopped.complete(0);
    }
}
