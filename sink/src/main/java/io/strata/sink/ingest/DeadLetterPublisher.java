package io.strata.sink.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.SendResult;

/**
 * Spring's dead-letter recoverer, which waits for the broker's acknowledgement of each record it publishes, with a
 * deferred mode for the dead letters of a poll: {@link #acceptDeferred} sends without waiting and {@link
 * #awaitDeferred} then waits for all of them at once, with the same checks and timeout as the recoverer's own. A
 * poll with 20 bad records thus waits for one round trip instead of 20 (each also held back by the producer's
 * linger). Deferral is per thread: each consumer thread awaits its own dead letters.
 */
final class DeadLetterPublisher extends DeadLetterPublishingRecoverer {

    private final KafkaOperations<?, ?> template;
    private final ThreadLocal<List<Deferred>> deferred = new ThreadLocal<>();
    private final ThreadLocal<Boolean> deferring = ThreadLocal.withInitial(() -> false);

    DeadLetterPublisher(
            KafkaOperations<?, ?> template, BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination) {
        super(template, destination);
        this.template = template;
    }

    /** Publishes {@code record} as {@link #accept} does, but leaves its acknowledgement to {@link #awaitDeferred}. */
    void acceptDeferred(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception error) {
        if (deferred.get() == null) {
            deferred.set(new ArrayList<>());
        }
        deferring.set(true);
        try {
            accept(record, consumer, error);
        } catch (RuntimeException e) {
            deferred.remove(); // the caller publishes this poll's dead letters again
            throw e;
        } finally {
            deferring.set(false);
        }
    }

    /**
     * Waits until every dead letter this thread sent with {@link #acceptDeferred} is acknowledged.
     *
     * @throws org.springframework.kafka.KafkaException when one could not be published (the others may have been)
     */
    void awaitDeferred() {
        List<Deferred> sent = deferred.get();
        deferred.remove();
        if (sent == null || sent.isEmpty()) {
            return;
        }
        template.flush(); // no linger: everything is sent now
        for (Deferred letter : sent) {
            super.verifySendResult(letter.template(), letter.out(), letter.result(), letter.in());
        }
    }

    @Override
    protected void verifySendResult(
            KafkaOperations<Object, Object> kafkaTemplate,
            ProducerRecord<Object, Object> outRecord,
            CompletableFuture<SendResult<Object, Object>> sendResult,
            ConsumerRecord<?, ?> inRecord) {
        if (!deferring.get() || sendResult == null) {
            super.verifySendResult(kafkaTemplate, outRecord, sendResult, inRecord);
            return;
        }
        deferred.get().add(new Deferred(kafkaTemplate, outRecord, sendResult, inRecord));
    }

    /** A dead letter sent and not yet acknowledged. */
    private record Deferred(
            KafkaOperations<Object, Object> template,
            ProducerRecord<Object, Object> out,
            CompletableFuture<SendResult<Object, Object>> result,
            ConsumerRecord<?, ?> in) {}
}
