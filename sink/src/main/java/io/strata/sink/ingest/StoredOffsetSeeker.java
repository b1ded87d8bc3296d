package io.strata.sink.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * On every assignment, seeks each partition to the next offset stored in {@code sink_offsets}, never to Kafka's
 * committed offset; a partition without a stored offset starts at its beginning. The nodes' last sequences ({@link
 * NodeSequences}) are loaded at the same time. While the database is down the
 * assignment waits, retrying with backoff.
 */
final class StoredOffsetSeeker implements ConsumerAwareRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(StoredOffsetSeeker.class);

    private final Jdbi jdbi;
    private final OffsetStore offsets;
    private final NodeSequences sequences;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final BooleanSupplier running;

    StoredOffsetSeeker(
            Jdbi jdbi,
            OffsetStore offsets,
            NodeSequences sequences,
            Duration retryInitial,
            Duration retryMax,
            BooleanSupplier running) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.sequences = Objects.requireNonNull(sequences, "sequences");
        this.retryInitial = Objects.requireNonNull(retryInitial, "retryInitial");
        this.retryMax = Objects.requireNonNull(retryMax, "retryMax");
        this.running = Objects.requireNonNull(running, "running");
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        seek(consumer, partitions, readWithRetry(partitions));
    }

    /** Seeks {@code partitions} to their stored offsets (after a failed or conflicting batch). */
    void seekToStored(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        seek(consumer, partitions, readWithRetry(partitions));
    }

    private static void seek(
            Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        for (TopicPartition partition : partitions) {
            if (!consumer.assignment().contains(partition)) {
                continue; // revoked meanwhile
            }
            Long next = stored.get(partition);
            if (next != null) {
                consumer.seek(partition, next);
                LOG.info("Partition {} resumes at stored offset {}", partition, next);
            } else {
                consumer.seekToBeginning(java.util.List.of(partition));
                LOG.info("Partition {} has no stored offset; starting at its beginning", partition);
            }
        }
    }

    private Map<TopicPartition, Long> readWithRetry(Collection<TopicPartition> partitions) {
        Duration backoff = retryInitial;
        while (true) {
            try {
                return jdbi.withHandle(handle -> {
                    // The per-node sequences are loaded with the offsets: both say what this group has written.
                    sequences.load(handle.getConnection());
                    return offsets.read(handle.getConnection(), partitions);
                });
            } catch (java.sql.SQLException | RuntimeException e) {
                if (!running.getAsBoolean()) {
                    throw new DatabaseUnavailableException("Cannot read stored offsets of " + partitions, e);
                }
                LOG.warn(
                        "Cannot read stored offsets of {} (SQLState {}); retrying in {}",
                        partitions,
                        DatabaseErrors.sqlState(e),
                        backoff);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DatabaseUnavailableException("Interrupted while reading stored offsets", e);
                }
                backoff = backoff.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : backoff.multipliedBy(2);
            }
        }
    }
}
