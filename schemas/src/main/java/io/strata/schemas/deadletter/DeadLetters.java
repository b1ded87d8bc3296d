package io.strata.schemas.deadletter;

import io.strata.schemas.serde.RecordDecodingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key and value bytes, the original headers, plus the {@link
 * DeadLetterHeaders} naming the writing application, the source position and the error. A record that decoded but
 * is invalid takes a reason code from {@link io.strata.schemas.validate.InvalidReasons}.
 */
public final class DeadLetters {

    /** Reason code for any other failure to process a record. */
    public static final String REASON_ERROR = "error";

    private static final Pattern REASON_CODE = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private DeadLetters() {}

    /**
     * The reason code for an error: the {@link RecordDecodingException.Reason#code()} when a decoding failure is
     * behind it, else {@link #REASON_ERROR}.
     */
    public static String reasonCode(Throwable error) {
        Objects.requireNonNull(error, "error");
        return RecordDecodingException.from(error)
                .map(decoding -> decoding.reason().code())
                .orElse(REASON_ERROR);
    }

    /**
     * The dead-letter headers for a failed record.
     *
     * @param source the application writing the dead letter ({@link DeadLetterHeaders#SOURCE}), e.g. {@code
     *     strata-sink}
     * @param topic topic the record was read from
     * @param partition its partition
     * @param offset its offset
     * @param timestamp its Kafka timestamp in milliseconds
     * @param reasonCode machine-readable reason, see {@link #reasonCode(Throwable)}
     * @param error what went wrong
     */
    public static Headers headers(
            String source,
            String topic,
            int partition,
            long offset,
            long timestamp,
            String reasonCode,
            Throwable error) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(error, "error");
        RecordHeaders headers = new RecordHeaders();
        add(headers, DeadLetterHeaders.SOURCE, checkSource(source));
        add(headers, DeadLetterHeaders.TOPIC, topic);
        add(headers, DeadLetterHeaders.PARTITION, Integer.toString(partition));
        add(headers, DeadLetterHeaders.OFFSET, Long.toString(offset));
        add(headers, DeadLetterHeaders.TIMESTAMP, Long.toString(timestamp));
        add(headers, DeadLetterHeaders.REASON, checkReasonCode(reasonCode));
        add(headers, DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
        add(headers, DeadLetterHeaders.ERROR_MESSAGE, message(error));
        return headers;
    }

    /**
     * The dead-letter record for a consumed record that failed: original key and value, original headers (minus
     * any earlier {@code strata.dlt.*}), and the dead-letter headers.
     *
     * @param source the application writing the dead letter, see {@link #headers}
     */
    public static ProducerRecord<byte[], byte[]> record(
            String source,
            String deadLetterTopic,
            ConsumerRecord<byte[], byte[]> failed,
            String reasonCode,
            Throwable error) {
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(failed, "failed");
        Headers headers = withoutDeadLetterHeaders(failed.headers());
        for (Header header : headers(
                source, failed.topic(), failed.partition(), failed.offset(), failed.timestamp(), reasonCode, error)) {
            headers.add(header);
        }
        return new ProducerRecord<>(deadLetterTopic, null, null, failed.key(), failed.value(), headers);
    }

    /**
     * The dead-letter record for a record Kafka's consumer could not deserialize: the exception carries the
     * original key, value, headers and position.
     *
     * @param source the application writing the dead letter, see {@link #headers}
     */
    public static ProducerRecord<byte[], byte[]> record(
            String source, String deadLetterTopic, RecordDeserializationException failed) {
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(failed, "failed");
        Throwable error = failed.getCause() != null ? failed.getCause() : failed;
        Headers headers = withoutDeadLetterHeaders(failed.headers());
        for (Header header : headers(
                source,
                failed.topicPartition().topic(),
                failed.topicPartition().partition(),
                failed.offset(),
                failed.timestamp(),
                reasonCode(failed),
                RecordDecodingException.from(failed)
                        .<Throwable>map(located -> located)
                        .orElse(error))) {
            headers.add(header);
        }
        return new ProducerRecord<>(
                deadLetterTopic, null, null, bytes(failed.keyBuffer()), bytes(failed.valueBuffer()), headers);
    }

    private static Headers withoutDeadLetterHeaders(Headers original) {
        RecordHeaders copy = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                    copy.add(header);
                }
            }
        }
        return copy;
    }

    private static String checkSource(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new IllegalArgumentException("The dead letter's source application must not be blank");
        }
        return source;
    }

    private static String checkReasonCode(String reasonCode) {
        Objects.requireNonNull(reasonCode, "reasonCode");
        if (!REASON_CODE.matcher(reasonCode).matches()) {
            throw new IllegalArgumentException(
                    "Reason code must match " + REASON_CODE.pattern() + ", got '" + reasonCode + "'");
        }
        return reasonCode;
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        return message.length() <= DeadLetterHeaders.MAX_MESSAGE_LENGTH
                ? message
                : message.substring(0, DeadLetterHeaders.MAX_MESSAGE_LENGTH);
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
