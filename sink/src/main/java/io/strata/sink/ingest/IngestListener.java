package io.strata.sink.ingest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The container's batch listener: hands each poll to the {@link BatchProcessor}, publishing bad records with the
 * {@link DeadLetterPublishingRecoverer}; after the database commit it acknowledges, which commits the same offsets
 * to Kafka too — only for lag monitoring, the sink never reads them back.
 */
final class IngestListener implements BatchAcknowledgingConsumerAwareMessageListener<byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestListener.class);

    private final BatchProcessor processor;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final StoredOffsetSeeker seeker;

    IngestListener(BatchProcessor processor, DeadLetterPublishingRecoverer deadLetters, StoredOffsetSeeker seeker) {
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
        try {
            processor.process(records, (record, error) -> deadLetters.accept(record, consumer, error));
        } catch (OffsetStore.OffsetConflictException conflict) {
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            records.forEach(record -> partitions.add(new TopicPartition(record.topic(), record.partition())));
            LOG.warn("{}; seeking {} back to the stored offsets", conflict.getMessage(), partitions);
            seeker.seekToStored(consumer, partitions);
            return;
        }
        if (acknowledgment != null) {
            acknowledgment.acknowledge();
        }
    }
}
