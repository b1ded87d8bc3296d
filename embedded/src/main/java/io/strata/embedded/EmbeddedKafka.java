package io.strata.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running inside this JVM, built from Apache Kafka's own
 * {@code KafkaRaftServer}.
 *
 * <p>It listens on {@code 127.0.0.1}, on an ephemeral port unless {@link Builder#port(int)} fixes one. Its data lives in
 * a temporary directory deleted by {@link #close()}, or in a directory given to {@link Builder#dataDir(Path)} that is
 * kept: a directory that is already formatted is reused as it is, so topics and records survive a process restart.
 * {@link #stop()} and {@link #restart()} keep the port and the data, so clients reconnect to the same address.
 *
 * <p>Defaults suit one node: internal topics with replication factor 1 and min ISR 1, no initial rebalance delay,
 * automatic topic creation off, transactions enabled. Extra broker properties override them.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("samples", 3);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements KafkaEndpoint, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    // Written by the formatter; its presence means "already formatted, do not format again".
    private static final String META_PROPERTIES = "meta.properties";

    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final Map<String, String> extraProperties;
    private final Map<String, ExtraListener> extraListeners;

    private KafkaRaftServer server;
    private long lastStartMillis;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        // Every port at once: picked one by one, two of them could be the same.
        int[] ports = Ports.freePorts(3 + builder.listeners.size());
        int next = 0;
        this.port = builder.port == 0 ? ports[next++] : builder.port;
        this.controllerPort = ports[next] == this.port ? ports[++next] : ports[next];
        next++;
        this.temporaryDataDir = builder.dataDir == null;
        this.dataDir = temporaryDataDir
                ? Directories.createTemp("strata-kafka-")
                : Directories.createDirectories(builder.dataDir.toAbsolutePath());
        this.extraProperties = Map.copyOf(builder.properties);
        Map<String, ExtraListener> listeners = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> listener : builder.listeners.entrySet()) {
            // One spare port covers a fixed client port that happens to be among the free ones.
            int bound = ports[next] == this.port ? ports[++next] : ports[next];
            next++;
            int advertisedPort = listener.getValue();
            listeners.put(listener.getKey(), new ExtraListener(bound, advertisedPort == 0 ? -1 : advertisedPort));
        }
        this.extraListeners = Collections.unmodifiableMap(listeners);
    }

    /** Starts a broker with the defaults: ephemeral port, temporary data directory. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** A builder for a broker with a fixed port, a kept data directory or extra properties. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The port clients connect to; the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /**
     * The port the extra listener {@code name} (see {@link Builder#listener(String, int)}) binds, which may differ from
     * the port it advertises.
     *
     * @throws IllegalArgumentException if there is no such listener
     */
    public int listenerPort(String name) {
        ExtraListener listener = extraListeners.get(name);
        if (listener == null) {
            throw new IllegalArgumentException("no extra listener " + name + " (have " + extraListeners.keySet() + ")");
        }
        return listener.port();
    }

    /** The broker's log directory (also its metadata log directory). */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the broker is running (started and neither stopped nor closed). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** How long the last start took, in milliseconds (formatting included on a first start). */
    public synchronized long lastStartMillis() {
        return lastStartMillis;
    }

    /** Client properties that reach this broker: {@code bootstrap.servers}. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin adminClient() {
        return Admin.create(clientProperties());
    }

    /** Creates a topic with replication factor 1 and waits until it exists. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with replication factor 1 and the given topic configs, and waits until it exists. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        try (Admin admin = adminClient()) {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topic " + name, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot create topic " + name, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("timed out creating topic " + name, e);
        }
    }

    /** The end offset (high watermark) of every partition of {@code topics}. */
    public Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        Objects.requireNonNull(topics, "topics");
        try (Admin admin = adminClient()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .forEach((name, description) -> description
                            .partitions()
                            .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request)
                    .all()
                    .get(60, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while listing the end offsets of " + topics, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list the end offsets of " + topics, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("timed out listing the end offsets of " + topics, e);
        }
    }

    /**
     * Starts the broker again on the same port with the same data. If it is running, it is stopped first; if it is
     * stopped, it is simply started.
     */
    public synchronized void restart() {
        ensureOpen();
        stop();
        startServer();
    }

    /** Stops the broker and keeps its port and data, so that {@link #restart()} can bring it back. Idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        KafkaRaftServer stopping = server;
        server = null;
        stopping.shutdown();
        stopping.awaitShutdown();
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), elapsedMillis(started));
    }

    /** Stops the broker and deletes a temporary data directory. A given data directory is kept. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (temporaryDataDir) {
                Directories.deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
    }

    private void startServer() {
        long started = System.nanoTime();
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        formatIfNeeded(config);
        KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            // Returns once the controller is up and the broker is unfenced, i.e. ready for clients.
            starting.startup();
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            throw e;
        }
        server = starting;
        lastStartMillis = elapsedMillis(started);
        LOG.info("Kafka broker started on {} in {} ms", bootstrapServers(), lastStartMillis);
    }

    private Map<String, String> brokerProperties() {
        String controller = HOST + ":" + controllerPort;
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + controller);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        StringBuilder listeners = new StringBuilder(
                BROKER_LISTENER + "://" + bootstrapServers() + "," + CONTROLLER_LISTENER + "://" + controller);
        StringBuilder advertised = new StringBuilder(BROKER_LISTENER + "://" + bootstrapServers());
        StringBuilder protocols =
                new StringBuilder(BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        extraListeners.forEach((name, listener) -> {
            listeners
                    .append(',')
                    .append(name)
                    .append("://")
                    .append(HOST)
                    .append(':')
                    .append(listener.port());
            int advertisedPort = listener.advertisedPort() < 0 ? listener.port() : listener.advertisedPort();
            advertised
                    .append(',')
                    .append(name)
                    .append("://")
                    .append(HOST)
                    .append(':')
                    .append(advertisedPort);
            protocols.append(',').append(name).append(":PLAINTEXT");
        });
        props.put("listeners", listeners.toString());
        props.put("advertised.listeners", advertised.toString());
        props.put("listener.security.protocol.map", protocols.toString());
        props.put("log.dirs", dataDir.toString());
        // One node: every internal topic has a single replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly (by the topic catalog), never by a stray producer or consumer.
        props.put("auto.create.topics.enable", "false");
        // Two cores: fewer threads than a production broker.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("background.threads", "2");
        props.putAll(extraProperties);
        return props;
    }

    private void formatIfNeeded(KafkaConfig config) {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            LOG.debug("Kafka data directory {} is already formatted", dataDir);
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setDirectories(List.of(dataDir.toString()))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setControllerListenerName(CONTROLLER_LISTENER);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new KafkaException("cannot format Kafka storage in " + dataDir, e);
        }
        LOG.info("Formatted Kafka storage in {} (cluster id {})", dataDir, clusterId);
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Configures and starts an {@link EmbeddedKafka}. */
    public static final class Builder {

        private int port;
        private Path dataDir;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, Integer> listeners = new LinkedHashMap<>();

        private Builder() {}

        /**
         * A second PLAINTEXT listener named {@code name} on a free port of its own ({@link EmbeddedKafka#listenerPort(String)}),
         * advertised at {@code advertisedPort} on 127.0.0.1 (0: its own port). Clients bootstrapped through it are
         * sent to the advertised address for every later connection, so a TCP proxy listening on {@code
         * advertisedPort} and forwarding to {@link EmbeddedKafka#listenerPort(String)} carries all their traffic: closing the proxy
         * cuts those clients off while the others, on the main listener, keep working.
         */
        public Builder listener(String name, int advertisedPort) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals(BROKER_LISTENER) || name.equals(CONTROLLER_LISTENER)) {
                throw new IllegalArgumentException(
                        "listener name must be upper case, not PLAINTEXT or CONTROLLER: " + name);
            }
            listeners.put(name, Ports.checkPort(advertisedPort));
            return this;
        }

        /** A fixed port for clients; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port);
            return this;
        }

        /** A data directory kept after close and reused (not reformatted) on the next start. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** An extra broker property; it overrides the defaults. */
        public Builder brokerProperty(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Extra broker properties; they override the defaults. */
        public Builder brokerProperties(Map<String, String> extra) {
            Objects.requireNonNull(extra, "extra").forEach(this::brokerProperty);
            return this;
        }

        /** Starts the broker and returns once it accepts clients. */
        public EmbeddedKafka start() {
            EmbeddedKafka kafka = new EmbeddedKafka(this);
            try {
                synchronized (kafka) {
                    kafka.startServer();
                }
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        }
    }

    /** An extra listener: the port it binds and the port it advertises (-1: the same). */
    private record ExtraListener(int port, int advertisedPort) {}
}
