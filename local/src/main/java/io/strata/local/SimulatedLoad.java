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
 * an hour), so no tick is sent twice after a clean stop. After SIGKILL up to a few seconds of ticks are sent again.
 */
final class SimulatedLoad implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLoad.class);
    private static final long SEED = 42;
    private static final String STATE_FILE = "state.properties";
    private static final long CHECKPOINT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SimulatedFleet fleet;
    private final Producer<String, byte[]> producer;
    private final String metricsTopic;
    private final String inventoryTopic;
    private final Path stateDir;
    private final Clock clock;
    private final long firstTick;
    private final long backfillEndTick;
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
            long backfillEndTick) {
        this.fleet = fleet;
        this.producer = producer;
        this.metricsTopic = metricsTopic;
        this.inventoryTopic = inventoryTopic;
        this.stateDir = stateDir;
        this.clock = clock;
        this.firstTick = firstTick;
        this.backfillEndTick = backfillEndTick;
        this.currentTick = firstTick;
        this.lastTick = firstTick - 1;
        this.thread = new Thread(this::runGuarded, "strata-local-simulate");
        thread.setDaemon(true);
    }

    /** Starts publishing; the producer is closed by {@link #close()}. */
    static SimulatedLoad start(
            int nodes,
            int metrics,
            Duration interval,
            Duration backfill,
            Producer<String, byte[]> producer,
            String metricsTopic,
            String inventoryTopic,
            Path stateDir,
            Clock clock) {
        Objects.requireNonNull(producer, "producer");
        SimulatedFleet fleet = SimulatedFleet.of(SEED, nodes, metrics, interval);
        long intervalMs = interval.toMillis();
        Instant now = clock.instant();
        long nowTick = Math.floorDiv(now.toEpochMilli(), intervalMs);
        long historyStart = Math.floorDiv(now.minus(backfill).toEpochMilli(), intervalMs);
        long first = historyStart;
        Properties state = readState(stateDir);
        String fleetKey = SEED + "/" + nodes + "/" + metrics + "/" + intervalMs;
        if (fleetKey.equals(state.getProperty("fleet")) && state.getProperty("last-tick") != null) {
            long resumeLimit = Math.floorDiv(
                    now.minus(backfill.compareTo(Duration.ofHours(1)) > 0 ? backfill : Duration.ofHours(1))
                            .toEpochMilli(),
                    intervalMs);
            first = Math.max(Long.parseLong(state.getProperty("last-tick")) + 1, resumeLimit);
        } else if (!state.isEmpty()) {
            LOG.info(
                    "The simulated fleet changed ({} -> {}): starting it afresh", state.getProperty("fleet"), fleetKey);
        }
        SimulatedLoad load =
                new SimulatedLoad(fleet, producer, metricsTopic, inventoryTopic, stateDir, clock, first, nowTick);
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

    private void writeState(String fleetKey, long tick) {
        Properties state = new Properties();
        state.setProperty("fleet", fleetKey);
        state.setProperty("last-tick", Long.toString(tick));
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
