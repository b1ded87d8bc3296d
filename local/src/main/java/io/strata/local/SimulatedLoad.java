package io.strata.local;

import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link SimulatedFleet} (the load generator's, so values can be recomputed): each node's inventory at
 * start, then one batch per node per tick, the tick number as the batch's sequence. Past ticks (the backfill) go as
 * fast as the broker takes them, later ones at their time.
 *
 * <p>The last tick the broker acknowledged is kept in {@code state.properties}, written every few seconds and at stop:
 * a restart with the same fleet continues at the next tick (filling the time it was stopped, at most the backfill or
 * an hour). No tick is sent twice, even after SIGKILL: a restart also reads the raw topic from the last checkpoint on
 * (from the beginning when the fleet changed) and skips, per node, every tick up to the last sequence that node
 * already has there, because a batch whose sequence is not above its node's last is a replay (dropped by the rollups,
 * dead-lettered by the sink).
 */
final class SimulatedLoad implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLoad.class);
    private static final long SEED = 42;
    private static final String STATE_FILE = "state.properties";
    private static final long CHECKPOINT_NANOS = TimeUnit.SECONDS.toNanos(5);
    // Records sent after a checkpoint are appended after it was written; the margin covers timestamp granularity.
    private static final Duration CHECKPOINT_MARGIN = Duration.ofMinutes(1);
    private static final Duration READ_SENT_TIMEOUT = Duration.ofMinutes(2);
    private static final String SENT_PREFIX = "sent.";

    private final SimulatedFleet fleet;
    private final Producer<String, byte[]> producer;
    private final String metricsTopic;
    private final String inventoryTopic;
    private final Path stateDir;
    private final Clock clock;
    private final long firstTick;
    private final long backfillEndTick;
    private final long[] sentUpTo; // per node: the last tick it already sent before this run, skipped
    private final AtomicLong samplesSent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Thread thread;
    private volatile long currentTick;
    private volatile long lastTick;

    private SimulatedLoad(
            SimulatedFleet fleet,
            Producer<String, byte[]> producer,
            String metricsTopic,
            String inventoryTopic,
            Path stateDir,
            Clock clock,
            long firstTick,
            long backfillEndTick,
            long[] sentUpTo) {
        this.fleet = fleet;
        this.producer = producer;
        this.metricsTopic = metricsTopic;
        this.inventoryTopic = inventoryTopic;
        this.stateDir = stateDir;
        this.clock = clock;
        this.firstTick = firstTick;
        this.backfillEndTick = backfillEndTick;
        this.sentUpTo = sentUpTo;
        this.currentTick = firstTick;
        this.lastTick = firstTick - 1;
        this.thread = new Thread(this::runGuarded, "strata-local-simulate");
        thread.setDaemon(true);
    }

    /**
     * Starts publishing; the producer is closed by {@link #close()}. {@code clientProperties} (bootstrap servers) are
     * for reading what the nodes already sent.
     */
    static SimulatedLoad start(
            int nodes,
            int metrics,
            Duration interval,
            Duration backfill,
            Producer<String, byte[]> producer,
            String metricsTopic,
            String inventoryTopic,
            Path stateDir,
            Clock clock,
            Map<String, Object> clientProperties) {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(clientProperties, "clientProperties");
        SimulatedFleet fleet = SimulatedFleet.of(SEED, nodes, metrics, interval);
        long intervalMs = interval.toMillis();
        Instant now = clock.instant();
        long nowTick = Math.floorDiv(now.toEpochMilli(), intervalMs);
        long historyStart = Math.floorDiv(now.minus(backfill).toEpochMilli(), intervalMs);
        long first = historyStart;
        Properties state = readState(stateDir);
        String fleetKey = SEED + "/" + nodes + "/" + metrics + "/" + intervalMs;
        boolean resuming = fleetKey.equals(state.getProperty("fleet")) && state.getProperty("last-tick") != null;
        long[] sentUpTo = new long[nodes];
        Arrays.fill(sentUpTo, Long.MIN_VALUE);
        if (resuming) {
            long lastTick = Long.parseLong(state.getProperty("last-tick"));
            long resumeLimit = Math.floorDiv(
                    now.minus(backfill.compareTo(Duration.ofHours(1)) > 0 ? backfill : Duration.ofHours(1))
                            .toEpochMilli(),
                    intervalMs);
            first = Math.max(lastTick + 1, resumeLimit);
            for (int node = 0; node < nodes; node++) {
                String sent = state.getProperty(SENT_PREFIX + node);
                sentUpTo[node] = Math.max(lastTick, sent == null ? Long.MIN_VALUE : Long.parseLong(sent));
            }
        } else if (!state.isEmpty()) {
            LOG.info(
                    "The simulated fleet changed ({} -> {}): starting it afresh", state.getProperty("fleet"), fleetKey);
        }
        // What the nodes sent after the checkpoint (a SIGKILL), or ever (the fleet changed, the state was lost).
        Instant since = resuming ? checkpointTime(stateDir).minus(CHECKPOINT_MARGIN) : null;
        Map<String, Long> onTopic = SentSequences.read(clientProperties, metricsTopic, since, READ_SENT_TIMEOUT);
        long lowest = Long.MAX_VALUE;
        for (int node = 0; node < nodes; node++) {
            sentUpTo[node] = Math.max(sentUpTo[node], onTopic.getOrDefault(fleet.nodeId(node), Long.MIN_VALUE));
            lowest = Math.min(lowest, sentUpTo[node]);
        }
        if (lowest != Long.MIN_VALUE) {
            first = Math.max(first, lowest + 1); // every node has sent up to there
        }
        long highest = Arrays.stream(sentUpTo).max().orElse(Long.MIN_VALUE);
        if (highest > nowTick) {
            LOG.warn(
                    "The simulated nodes already sent sequence {}, beyond the current tick {} at {}: until then their"
                            + " batches would be replays and are not sent (a longer --simulate-interval than before? use a new"
                            + " data directory)",
                    highest,
                    nowTick,
                    interval);
        }
        SimulatedLoad load = new SimulatedLoad(
                fleet, producer, metricsTopic, inventoryTopic, stateDir, clock, first, nowTick, sentUpTo);
        load.writeState(fleetKey, first - 1);
        LOG.info(
                "Simulating {} nodes x {} series every {} from {} ({} ticks of history first)",
                nodes,
                metrics,
                interval,
                Instant.ofEpochMilli(first * intervalMs),
                Math.max(0, nowTick - first + 1));
        load.thread.start();
        return load;
    }

    /** Samples the broker acknowledged. */
    long samplesSent() {
        return samplesSent.get();
    }

    /** Whether the history before the start was published. */
    boolean caughtUp() {
        return currentTick > backfillEndTick;
    }

    /** Fraction of the history published, 0 to 1. */
    double backfillProgress() {
        long total = backfillEndTick - firstTick + 1;
        return total <= 0 ? 1 : Math.min(1, (double) (currentTick - firstTick) / total);
    }

    private void runGuarded() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.error("The simulated fleet stopped", e);
        }
    }

    private void run() {
        long intervalMs = fleet.interval().toMillis();
        String fleetKey = SEED + "/" + fleet.nodeCount() + "/" + fleet.metricsPerNode() + "/" + intervalMs;
        for (int node = 0; node < fleet.nodeCount(); node++) {
            producer.send(
                    new ProducerRecord<>(
                            inventoryTopic,
                            fleet.nodeId(node),
                            AvroSerdes.nodeInventory().serialize(fleet.inventory(node))),
                    counting(0));
        }
        long nextCheckpoint = System.nanoTime() + CHECKPOINT_NANOS;
        for (long tick = firstTick; stopRequested.getCount() > 0; tick++) {
            long wait = tick * intervalMs - clock.millis();
            if (wait > 0 && await(wait)) {
                break;
            }
            currentTick = tick;
            Instant at = Instant.ofEpochMilli(tick * intervalMs);
            for (int node = 0; node < fleet.nodeCount(); node++) {
                if (tick <= sentUpTo[node]) {
                    continue; // sent before this run: a replay
                }
                var batch = fleet.batch(node, at, tick);
                producer.send(
                        new ProducerRecord<>(
                                metricsTopic,
                                batch.getNodeId(),
                                AvroSerdes.metricBatch().serialize(batch)),
                        counting(batch.getSamples().size()));
            }
            lastTick = tick;
            currentTick = tick + 1;
            if (System.nanoTime() >= nextCheckpoint) {
                producer.flush();
                writeState(fleetKey, lastTick);
                nextCheckpoint = System.nanoTime() + CHECKPOINT_NANOS;
            }
        }
        producer.flush();
        if (failures.get() == 0) {
            writeState(fleetKey, lastTick);
        } else {
            LOG.error(
                    "{} simulated records were not acknowledged; the first failure:",
                    failures.get(),
                    firstFailure.get());
        }
    }

    /** Waits; true if a stop was requested meanwhile. */
    private boolean await(long millis) {
        try {
            return stopRequested.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private Callback counting(int samples) {
        return (metadata, exception) -> {
            if (exception == null) {
                samplesSent.addAndGet(samples);
            } else {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        };
    }

    private static Properties readState(Path dir) {
        Properties state = new Properties();
        Path file = dir.resolve(STATE_FILE);
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                state.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Ignoring the unreadable {}: {}", file, e.toString());
                state.clear();
            }
        }
        return state;
    }

    private static Instant checkpointTime(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(STATE_FILE)).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the time of the simulated fleet's state in " + dir, e);
        }
    }

    private void writeState(String fleetKey, long tick) {
        Properties state = new Properties();
        state.setProperty("fleet", fleetKey);
        state.setProperty("last-tick", Long.toString(tick));
        for (int node = 0; node < sentUpTo.length; node++) {
            if (sentUpTo[node] > tick) {
                // Sent before this run and not yet reached: the next start must still skip it.
                state.setProperty(SENT_PREFIX + node, Long.toString(sentUpTo[node]));
            }
        }
        try {
            Files.createDirectories(stateDir);
            Path temporary = stateDir.resolve(STATE_FILE + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                state.store(writer, "strata-local simulated fleet: the last tick acknowledged");
            }
            Files.move(
                    temporary,
                    stateDir.resolve(STATE_FILE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the simulated fleet's state in " + stateDir, e);
        }
    }

    /** Stops after the tick being sent, waits for the acknowledgements, records the last tick, closes the producer. */
    @Override
    public void close() {
        stopRequested.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("Simulated fleet stopped after tick {} ({} samples sent)", lastTick, samplesSent.get());
    }
}
