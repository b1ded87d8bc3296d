package io.strata.producer.run;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.publish.ProbeProducers;
import io.strata.producer.publish.SequenceStore;
import io.strata.producer.publish.SpoolPublisher;
import io.strata.producer.spool.Spool;
import io.strata.producer.spool.SpoolRecord;
import io.strata.producer.telemetry.ProbeMeters;
import io.strata.producer.telemetry.SelfTelemetry;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.ops.Health;
import io.strata.schemas.ops.OpsServer;
import io.strata.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running probe: every {@code probe.interval} (at fixed rate, aligned to multiples of the interval) one
 * {@link MetricBatch} with the next sequence number to {@code strata.metrics.raw}; the {@link NodeInventory} at start
 * and every {@code probe.inventory-interval} to {@code strata.inventory}, sent only when its content hash changed or
 * {@code probe.inventory-heartbeat} passed. Everything goes through the {@link Spool}, which a {@link SpoolPublisher}
 * drains to the broker in order. Keyed by node id.
 */
public final class ProbeRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);

    private final ProbeConfig config;
    private final Clock clock;
    private final SelfTelemetry telemetry = new SelfTelemetry();
    private final ProbeCollectors collectors;
    private final Spool spool;
    private final SequenceStore sequence;
    private final SpoolPublisher publisher;
    private final ScheduledExecutorService scheduler;
    private final OpsServer ops;
    private String lastInventoryHash;
    private long droppedRecordsSeen;
    private Instant lastInventorySentAt;
    private final Map<String, String> lastStateHash = new HashMap<>();
    private final Map<String, Instant> lastStateSentAt = new HashMap<>();

    private ProbeRunner(ProbeConfig config, Clock clock, Supplier<Producer<String, byte[]>> producers) {
        this.config = config;
        this.clock = clock;
        try {
            Files.createDirectories(config.spoolDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the spool directory " + config.spoolDir(), e);
        }
        this.collectors = new ProbeCollectors(config, clock, telemetry, config.spoolDir());
        this.spool = Spool.open(
                config.spoolDir(),
                config.spoolMaxBytes(),
                config.spoolSegmentBytes(),
                config.spoolFsync(),
                config.spoolFsyncInterval());
        telemetry.spool(spool::bytes, spool::pendingRecords, spool::droppedSamples, spool::droppedRecords);
        this.sequence = SequenceStore.open(config.spoolDir(), config.spoolFsync(), clock);
        Duration backoff =
                config.interval().compareTo(Duration.ofSeconds(1)) < 0 ? config.interval() : Duration.ofSeconds(1);
        this.publisher = new SpoolPublisher(
                spool, producers, telemetry, config.metricsTopic(), config.inventoryTopic(), backoff);
        this.ops = config.httpPort() < 0
                ? null
                : OpsServer.start(config.httpHost(), config.httpPort(), ProbeMeters.registry(telemetry), this::health);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "strata-probe-collector");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the probe with a Kafka producer made from the configuration. */
    public static ProbeRunner start(ProbeConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        ProbeProducers.properties(config); // fail on a bad Kafka configuration before anything starts
        return start(config, clock, () -> ProbeProducers.create(config));
    }

    /** Starts the probe with producers from {@code producers}. */
    static ProbeRunner start(ProbeConfig config, Clock clock, Supplier<Producer<String, byte[]>> producers) {
        ProbeRunner runner = new ProbeRunner(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(producers, "producers"));
        runner.startTasks();
        return runner;
    }

    /** The node id everything is keyed by. */
    public String nodeId() {
        return collectors.nodeId();
    }

    /** The probe's own figures. */
    public SelfTelemetry telemetry() {
        return telemetry;
    }

    /** The port of the health and metrics endpoint, if it is on. */
    public java.util.OptionalInt httpPort() {
        return ops == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(ops.port());
    }

    /** Up while sends succeed; the details say what is spooled and dropped. */
    Health health() {
        Map<String, String> details = new TreeMap<>();
        details.put("nodeId", nodeId());
        details.put("kafka", publisher.healthy() ? "connected" : "failing");
        details.put("spoolRecords", Long.toString(telemetry.spoolRecords()));
        details.put("droppedSamples", Long.toString(telemetry.droppedSamples()));
        details.put("batchesSent", Long.toString(telemetry.batchesSent()));
        return publisher.healthy() ? Health.up(details) : Health.down(details);
    }

    /** Whether the publisher's last send succeeded. */
    public boolean healthy() {
        return publisher.healthy();
    }

    private void startTasks() {
        publisher.start();
        long intervalMs = config.interval().toMillis();
        long inventoryMs = config.inventoryInterval().toMillis();
        LOG.info(
                "strata-probe started: node {} ({}, role {}), metrics every {} ms to {}, inventory every {} ms to {},"
                        + " spool {} (next sequence {})",
                nodeId(),
                config.nodeName(),
                config.nodeRole(),
                intervalMs,
                config.metricsTopic(),
                inventoryMs,
                config.inventoryTopic(),
                config.spoolDir(),
                sequence.last() + 1);
        scheduler.execute(() -> guarded("inventory", this::inventoryTick));
        long delay = intervalMs - Math.floorMod(clock.millis(), intervalMs);
        scheduler.scheduleAtFixedRate(
                () -> guarded("metrics", () -> metricsTick(intervalMs)), delay, intervalMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(
                () -> guarded("inventory", this::inventoryTick), inventoryMs, inventoryMs, TimeUnit.MILLISECONDS);
    }

    private void metricsTick(long intervalMs) {
        long number = sequence.next();
        MetricBatch batch = collectors.collectMetrics(number, intervalMs);
        spool.append(new SpoolRecord(
                config.metricsTopic(),
                batch.getNodeId(),
                AvroSerdes.metricBatch().serialize(batch),
                batch.getSamples().size()));
    }

    private void inventoryTick() {
        // The spool bound may have dropped the last inventory or state sent: send them again then, changed or not.
        long dropped = spool.droppedRecords();
        boolean afterDrop = dropped > droppedRecordsSeen;
        droppedRecordsSeen = dropped;
        if (afterDrop) {
            lastInventoryHash = null;
            lastStateHash.clear();
        }
        // States first: the inventory lists the server versions they found.
        for (PostgresState state : collectors.collectPostgresStates()) {
            stateTick(state);
        }
        NodeInventory inventory = collectors.collectInventory();
        telemetry.inventoryCollected();
        Instant now = clock.instant();
        boolean changed = !inventory.getContentHash().equals(lastInventoryHash);
        boolean heartbeat = lastInventorySentAt != null
                && Duration.between(lastInventorySentAt, now).compareTo(config.inventoryHeartbeat()) >= 0;
        if (!changed && !heartbeat) {
            return;
        }
        spool.append(new SpoolRecord(
                config.inventoryTopic(),
                inventory.getNodeId(),
                AvroSerdes.nodeInventory().serialize(inventory),
                0));
        LOG.info(
                "Inventory {} (hash {})",
                lastInventoryHash == null ? "collected" : changed ? "changed" : "unchanged, heartbeat",
                inventory.getContentHash());
        lastInventoryHash = inventory.getContentHash();
        lastInventorySentAt = now;
    }

    private void stateTick(PostgresState state) {
        Instant now = clock.instant();
        String instance = state.getInstance();
        boolean changed = !state.getContentHash().equals(lastStateHash.get(instance));
        Instant sentAt = lastStateSentAt.get(instance);
        boolean heartbeat = sentAt != null && Duration.between(sentAt, now).compareTo(config.inventoryHeartbeat()) >= 0;
        if (!changed && !heartbeat) {
            return;
        }
        // Keyed by node and instance, so that compaction keeps one state per instance.
        spool.append(new SpoolRecord(
                config.pgstateTopic(),
                stateKey(state.getNodeId(), instance),
                AvroSerdes.postgresState().serialize(state),
                0));
        LOG.info(
                "PostgreSQL state of {} {} (hash {})",
                instance,
                !lastStateHash.containsKey(instance) ? "collected" : changed ? "changed" : "unchanged, heartbeat",
                state.getContentHash());
        lastStateHash.put(instance, state.getContentHash());
        lastStateSentAt.put(instance, now);
    }

    /** The Kafka key of a {@code PostgresState}: {@code <node id>|<host:port>}. */
    public static String stateKey(String nodeId, String instance) {
        return nodeId + "|" + instance;
    }

    private static void guarded(String task, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and keep the schedule.
            LOG.error("The {} collection failed; the next one runs on schedule", task, e);
        }
    }

    /** Stops collecting, lets the publisher drain for a moment, and closes the spool. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
        Duration drain = config.sendTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? config.sendTimeout()
                : Duration.ofSeconds(10);
        publisher.close(drain);
        spool.close();
        collectors.close();
        if (ops != null) {
            ops.close();
        }
        LOG.info(
                "strata-probe stopped: {} batches sent, {} records left in the spool, {} samples dropped in all",
                telemetry.batchesSent(),
                spool.pendingRecords(),
                spool.droppedSamples());
    }
}
