package io.strata.producer.publish;

import io.strata.producer.spool.Spool;
import io.strata.producer.spool.SpoolEntry;
import io.strata.producer.telemetry.SelfTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the spool to Kafka on its own thread, in index order: reads a window of records, sends them one at a time
 * (each waits for the broker's acknowledgement), acknowledges the delivered prefix to the spool, and on a failure keeps
 * the rest of the window in memory and retries it after a back-off, so nothing newer overtakes it. An outage is logged when it starts and when it
 * ends, not for every retry.
 *
 * <p>Delivery is at least once, in order: a record is sent again when its acknowledgement did not arrive although the
 * broker appended it (a network cut that outlasts {@code probe.send.timeout}; the idempotent producer cannot tell, since
 * the retry is a new send), or when the probe crashed between the acknowledgement and the spool's bookkeeping.
 * Consumers drop such repeats by node id and sequence number.
 */
public final class SpoolPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolPublisher.class);
    private static final int WINDOW = 200;

    private final Spool spool;
    private final Supplier<Producer<String, byte[]>> producers;
    private final SelfTelemetry telemetry;
    private final String metricsTopic;
    private final String inventoryTopic;
    private final Duration backoff;
    private final Thread thread;
    private volatile Producer<String, byte[]> producer;
    private volatile boolean running = true;
    private volatile boolean healthy = true;

    /**
     * A publisher; {@link #start()} starts its thread.
     *
     * @param producers makes a producer (again, after a fatal producer error)
     * @param metricsTopic records to this topic count as batches in the telemetry
     * @param inventoryTopic records to this topic count as inventories in the telemetry
     * @param backoff the pause between retries while the broker fails
     */
    public SpoolPublisher(
            Spool spool,
            Supplier<Producer<String, byte[]>> producers,
            SelfTelemetry telemetry,
            String metricsTopic,
            String inventoryTopic,
            Duration backoff) {
        this.spool = Objects.requireNonNull(spool, "spool");
        this.producers = Objects.requireNonNull(producers, "producers");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.metricsTopic = Objects.requireNonNull(metricsTopic, "metricsTopic");
        this.inventoryTopic = Objects.requireNonNull(inventoryTopic, "inventoryTopic");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.thread = new Thread(this::loop, "strata-probe-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts sending. */
    public void start() {
        producer = producers.get();
        thread.start();
    }

    /** Whether the last send succeeded (or nothing has failed yet). */
    public boolean healthy() {
        return healthy;
    }

    /**
     * Waits up to {@code timeout} for the spool to drain, then stops; what is left stays in the spool for the next
     * start.
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (spool.pendingRecords() > 0 && healthy && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        Producer<String, byte[]> current = producer;
        if (current != null) {
            // Fails what is still in flight, so the thread is not stuck waiting for a broker that is gone.
            current.close(Duration.ofMillis(Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void loop() {
        long next = spool.position();
        List<SpoolEntry> window = new ArrayList<>();
        boolean failing = false;
        while (running) {
            try {
                if (window.isEmpty()) {
                    window = new ArrayList<>(spool.read(next, WINDOW));
                    if (window.isEmpty()) {
                        spool.await(next, Duration.ofMillis(500));
                        continue;
                    }
                }
                Attempt attempt = send(window);
                if (attempt.delivered() > 0) {
                    SpoolEntry last = window.get(attempt.delivered() - 1);
                    spool.acknowledge(last.index() + 1);
                    for (SpoolEntry entry : window.subList(0, attempt.delivered())) {
                        count(entry);
                    }
                    next = last.index() + 1;
                    window = new ArrayList<>(window.subList(attempt.delivered(), window.size()));
                }
                if (attempt.failure() == null) {
                    if (failing) {
                        LOG.info("Sending works again; {} records still spooled", spool.pendingRecords());
                        failing = false;
                    }
                    healthy = true;
                    continue;
                }
                if (!running) {
                    break;
                }
                telemetry.sendError();
                healthy = false;
                if (!failing) {
                    LOG.warn(
                            "Sending to Kafka failed ({}); {} records spooled, retrying every {} ms",
                            attempt.failure().toString(),
                            spool.pendingRecords(),
                            backoff.toMillis());
                    failing = true;
                }
                if (!(attempt.failure() instanceof RetriableException)) {
                    LOG.warn(
                            "Recreating the Kafka producer after {}",
                            attempt.failure().getClass().getName());
                    Producer<String, byte[]> broken = producer;
                    broken.close(Duration.ZERO);
                    producer = producers.get();
                }
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("Publisher error; retrying", e);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Sends the window one record at a time, each waiting for its acknowledgement: the delivered prefix and the first
     * failure. One record in flight is what keeps the order: with several, a record that expires while the broker is
     * away can be overtaken by the next one once the broker is back (the producer's idempotence does not cover
     * batches that were never sent).
     */
    private Attempt send(List<SpoolEntry> window) throws InterruptedException {
        Producer<String, byte[]> current = producer;
        int delivered = 0;
        for (SpoolEntry entry : window) {
            if (!running) {
                return new Attempt(delivered, new IllegalStateException("stopping"));
            }
            try {
                Future<RecordMetadata> future = current.send(new ProducerRecord<>(
                        entry.record().topic(),
                        entry.record().key(),
                        entry.record().value()));
                future.get();
                delivered++;
            } catch (ExecutionException e) {
                return new Attempt(delivered, e.getCause() instanceof Exception cause ? cause : e);
            } catch (RuntimeException e) { // producer closed, serializer or configuration trouble
                return new Attempt(delivered, e);
            }
        }
        return new Attempt(delivered, null);
    }

    private void count(SpoolEntry entry) {
        String topic = entry.record().topic();
        if (topic.equals(metricsTopic)) {
            telemetry.batchSent();
        } else if (topic.equals(inventoryTopic)) {
            telemetry.inventorySent();
        } else {
            telemetry.otherRecordSent();
        }
    }

    private record Attempt(int delivered, Exception failure) {}
}
