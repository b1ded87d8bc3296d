package io.strata.producer.loadgen;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link SimulatedFleet}: each node's inventory once, then one {@link MetricBatch} per node per tick to the
 * metrics topic, keyed by node id, with the tick number since the epoch as the batch's sequence (so adjacent runs
 * continue each other's sequences). Past ticks go as fast as the broker accepts them; with {@code realtime}, future
 * ticks wait for their time. A progress line (samples/s, % done) is printed every second.
 */
public final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final long PROGRESS_NANOS = 1_000_000_000L;

    private final Producer<String, byte[]> producer;
    private final String metricsTopic;
    private final String inventoryTopic;
    private final Clock clock;
    private final PrintWriter progress;
    private volatile boolean running = true;

    /**
     * A generator sending through {@code producer}.
     *
     * @param progress where the progress lines go (stderr in the CLI)
     */
    public LoadGenerator(
            Producer<String, byte[]> producer,
            String metricsTopic,
            String inventoryTopic,
            Clock clock,
            PrintWriter progress) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.metricsTopic = Objects.requireNonNull(metricsTopic, "metricsTopic");
        this.inventoryTopic = Objects.requireNonNull(inventoryTopic, "inventoryTopic");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Stops a running {@link #run} after the current tick. */
    public void stop() {
        running = false;
    }

    /** Publishes the plan and waits until the broker acknowledged everything. */
    public LoadReport run(LoadPlan plan) throws InterruptedException {
        Objects.requireNonNull(plan, "plan");
        SimulatedFleet fleet = SimulatedFleet.of(plan.seed(), plan.nodes(), plan.metrics(), plan.interval());
        long intervalMs = plan.interval().toMillis();
        long firstTick = Math.floorDiv(plan.from().toEpochMilli(), intervalMs);
        long endTick =
                plan.to() == null ? Long.MAX_VALUE : Math.floorDiv(plan.to().toEpochMilli(), intervalMs);
        long totalTicks = endTick == Long.MAX_VALUE ? -1 : endTick - firstTick;
        AtomicLong batches = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        AtomicLong inventories = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long started = System.nanoTime();

        for (int node = 0; node < plan.nodes(); node++) {
            producer.send(
                    new ProducerRecord<>(
                            inventoryTopic,
                            fleet.nodeId(node),
                            AvroSerdes.nodeInventory().serialize(fleet.inventory(node))),
                    counting(inventories, null, 0, failures, firstFailure));
        }

        long nextProgress = started + PROGRESS_NANOS;
        long lastSamples = 0;
        long lastProgress = started;
        long ticks = 0;
        for (long tick = firstTick; tick < endTick && running; tick++) {
            long tickMillis = tick * intervalMs;
            if (plan.realtime()) {
                long wait = tickMillis - clock.millis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            Instant at = Instant.ofEpochMilli(tickMillis);
            for (int node = 0; node < plan.nodes(); node++) {
                MetricBatch batch = fleet.batch(node, at, tick);
                producer.send(
                        new ProducerRecord<>(
                                metricsTopic,
                                batch.getNodeId(),
                                AvroSerdes.metricBatch().serialize(batch)),
                        counting(batches, samples, plan.metrics(), failures, firstFailure));
            }
            ticks++;
            long now = System.nanoTime();
            if (now >= nextProgress) {
                long done = samples.get();
                double rate = (done - lastSamples) * 1e9 / (now - lastProgress);
                progress.printf(
                        "loadgen: %d samples sent, %.0f samples/s%s%n",
                        done, rate, totalTicks > 0 ? String.format(", %.1f%% done", 100.0 * ticks / totalTicks) : "");
                progress.flush();
                lastSamples = done;
                lastProgress = now;
                nextProgress = now + PROGRESS_NANOS;
            }
        }
        producer.flush();
        long nanos = System.nanoTime() - started;
        if (firstFailure.get() != null) {
            LOG.error("{} records were not acknowledged; the first failure:", failures.get(), firstFailure.get());
        }
        return new LoadReport(ticks, batches.get(), samples.get(), inventories.get(), failures.get(), nanos);
    }

    private static Callback counting(
            AtomicLong records,
            AtomicLong samples,
            int samplesPerRecord,
            AtomicLong failures,
            AtomicReference<Exception> firstFailure) {
        return (metadata, exception) -> {
            if (exception == null) {
                records.incrementAndGet();
                if (samples != null) {
                    samples.addAndGet(samplesPerRecord);
                }
            } else {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        };
    }
}
