package io.strata.sink.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The container's batch listener and rebalance listener. Each poll is decoded, validated and dead-lettered on the
 * consumer thread, and its transaction (rows and offsets) then runs on a writer thread while the consumer polls and
 * decodes the next poll: PostgreSQL's COPY of poll N overlaps the sink's own work on poll N+1.
 *
 * <p>Exactly once holds because at most one transaction per consumer is in flight and the next one is handed over
 * only after it committed: offsets commit in poll order. When a write fails, nothing after it was handed over; the
 * consumer is sought back to the first offset of the failed poll (or, after an offset conflict, to the offsets stored
 * in PostgreSQL) and the re-read records are processed synchronously by {@link BatchProcessor#process}, where the
 * container's error handler applies its backoff, record isolation and dead-lettering as before; write-behind resumes
 * after the first poll that commits. The write in flight is also settled on every rebalance, when the container is
 * idle (an empty poll), and on {@link #close()}.
 *
 * <p>After the database commit the poll is acknowledged, which commits the same offsets to Kafka too — only for lag
 * monitoring, the sink never reads them back.
 */
final class IngestListener
        implements BatchAcknowledgingConsumerAwareMessageListener<byte[], byte[]>,
                ConsumerAwareRebalanceListener,
                AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestListener.class);

    private final BatchProcessor processor;
    private final DeadLetterPublisher deadLetters;
    private final StoredOffsetSeeker seeker;
    private final Map<Consumer<?, ?>, WriteBehind> pipelines = new ConcurrentHashMap<>();

    IngestListener(BatchProcessor processor, DeadLetterPublisher deadLetters, StoredOffsetSeeker seeker) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.seeker = Objects.requireNonNull(seeker, "seeker");
    }

    @Override
    public void onMessage(
            List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment acknowledgment, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        WriteBehind pipeline = pipelines.computeIfAbsent(consumer, key -> new WriteBehind());
        if (pipeline.resync) {
            processSynchronously(
                    pipeline,
                    records,
                    acknowledgment,
                    consumer,
                    (record, error) -> deadLetters.accept(record, consumer, error));
            return;
        }
        Map<String, Long> inFlight = pipeline.inFlight == null ? Map.of() : pipeline.inFlight.batch.sequences();
        // The poll's dead letters are sent one after another and acknowledged together, before its transaction.
        BatchProcessor.Prepared prepared = processor.prepare(
                records,
                (record, error) -> deadLetters.acceptDeferred(record, consumer, error),
                deadLetters::awaitDeferred,
                () -> settle(pipeline, consumer, records, Set.of()),
                inFlight);
        if (prepared == null || !settle(pipeline, consumer, records, Set.of())) {
            return; // the write in flight failed: this poll was sought back with it, to be read again
        }
        pipeline.submit(prepared, acknowledgment);
    }

    /** A poll read again after a failed write: committed before the listener returns, with the error handling. */
    private void processSynchronously(
            WriteBehind pipeline,
            List<ConsumerRecord<byte[], byte[]>> records,
            Acknowledgment acknowledgment,
            Consumer<?, ?> consumer,
            BiConsumer<ConsumerRecord<byte[], byte[]>, Exception> deadLetter) {
        try {
            processor.process(records, deadLetter);
        } catch (OffsetStore.OffsetConflictException conflict) {
            Set<TopicPartition> partitions = new HashSet<>();
            records.forEach(record -> partitions.add(new TopicPartition(record.topic(), record.partition())));
            LOG.warn("{}; seeking {} back to the stored offsets", conflict.getMessage(), partitions);
            seeker.seekToStored(consumer, partitions);
            return;
        }
        pipeline.resync = false;
        if (acknowledgment != null) {
            acknowledgment.acknowledge();
        }
    }

    /**
     * Waits for the write in flight. Committed: acknowledges it and returns true. Failed: seeks its partitions, and
     * those of {@code unwritten} (records polled after it), back so that they are read again, except {@code leaving}
     * partitions; the next poll is then processed synchronously; returns false.
     */
    private boolean settle(
            WriteBehind pipeline,
            Consumer<?, ?> consumer,
            List<ConsumerRecord<byte[], byte[]>> unwritten,
            Collection<TopicPartition> leaving) {
        WriteBehind.InFlight done = pipeline.inFlight;
        if (done == null) {
            return true;
        }
        pipeline.inFlight = null;
        Throwable failure = done.await();
        if (failure == null) {
            if (done.acknowledgment != null) {
                done.acknowledgment.acknowledge();
            }
            return true;
        }
        pipeline.resync = true;
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        done.batch.ranges().forEach((partition, range) -> rewind.put(partition, range.first()));
        for (ConsumerRecord<byte[], byte[]> record : unwritten) {
            rewind.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
        rewind.keySet().removeAll(leaving);
        rewind.keySet().retainAll(consumer.assignment());
        if (failure instanceof OffsetStore.OffsetConflictException) {
            LOG.warn("{}; seeking {} back to the stored offsets", failure.getMessage(), rewind.keySet());
            seeker.seekToStored(consumer, rewind.keySet());
        } else {
            LOG.warn(
                    "Transaction of a poll of {} records failed ({}); nothing of it committed, reading {} again from {}",
                    done.batch.size(),
                    DatabaseErrors.isDatabaseError(failure)
                            ? "SQLState " + DatabaseErrors.sqlState(failure)
                            : failure.toString(),
                    rewind.keySet(),
                    rewind.values());
            rewind.forEach(consumer::seek);
        }
        return false;
    }

    /** An empty poll: the write in flight is settled, so that a failure is retried without waiting for records. */
    void onIdle(Consumer<?, ?> consumer) {
        WriteBehind pipeline = pipelines.get(consumer);
        if (pipeline != null) {
            settle(pipeline, consumer, List.of(), Set.of());
        }
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        settleBeforeRebalance(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        settleBeforeRebalance(consumer, partitions);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        settleBeforeRebalance(consumer, List.of());
        seeker.onPartitionsAssigned(consumer, partitions);
    }

    /** The write in flight commits (or fails) before partitions change hands; its acknowledgment goes with it. */
    private void settleBeforeRebalance(Consumer<?, ?> consumer, Collection<TopicPartition> leaving) {
        WriteBehind pipeline = pipelines.get(consumer);
        if (pipeline != null) {
            settle(pipeline, consumer, List.of(), leaving);
        }
    }

    /** Waits for every write in flight and stops the writer threads (after the container stopped). */
    @Override
    public void close() {
        List<WriteBehind> all = new ArrayList<>(pipelines.values());
        pipelines.clear();
        for (WriteBehind pipeline : all) {
            WriteBehind.InFlight done = pipeline.inFlight;
            pipeline.inFlight = null;
            if (done != null) {
                Throwable failure = done.await();
                if (failure != null) {
                    LOG.warn(
                            "Last transaction before stopping failed ({}); it is read again at the next start",
                            failure.toString());
                }
            }
            pipeline.writer.shutdown();
        }
    }

    /** One consumer's writer thread and the transaction it runs; used by that consumer's thread only. */
    private final class WriteBehind {
        final ExecutorService writer;
        InFlight inFlight;
        /** The last write failed: the next poll is processed synchronously. */
        boolean resync;

        WriteBehind() {
            String name = Thread.currentThread().getName() + "-writer";
            writer = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
        }

        void submit(BatchProcessor.Prepared batch, Acknowledgment acknowledgment) {
            inFlight = new InFlight(batch, acknowledgment, writer.submit(() -> processor.write(batch)));
        }

        /** A poll's transaction on the writer thread. */
        private record InFlight(BatchProcessor.Prepared batch, Acknowledgment acknowledgment, Future<?> result) {

            /** Null once committed, else what failed it. */
            Throwable await() {
                try {
                    result.get();
                    return null;
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (InterruptedException e) {
                    // Whether it commits is unknown: reading the poll again is safe, the offset fence drops a
                    // transaction that would write it twice.
                    Thread.currentThread().interrupt();
                    return e;
                }
            }
        }
    }
}
