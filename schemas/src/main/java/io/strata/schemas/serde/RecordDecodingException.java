package io.strata.schemas.serde;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that cannot be decoded into the expected Strata record: a poison record, to be dead-lettered, never retried.
 *
 * <p>It names the expected type, the topic, the partition and offset when known, and a {@link Reason}. A Kafka
 * {@code Deserializer} knows only the topic; a consumer that learns the position rethrows with {@link
 * #withLocation(int, long)}, or recovers this exception from the consumer's {@link RecordDeserializationException}
 * with {@link #from(Throwable)}.
 */
public final class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Why the bytes could not be decoded. */
    public enum Reason {
        /** Fewer bytes than the single-object header, or the body ends before the record is complete. */
        TRUNCATED("decode.truncated"),
        /** The bytes do not start with the single-object marker {@code 0xC3 0x01}. */
        NOT_SINGLE_OBJECT("decode.not-single-object"),
        /** The schema fingerprint is not one of any schema version this jar ships. */
        UNKNOWN_FINGERPRINT("decode.unknown-fingerprint"),
        /** A valid record of another Strata type (e.g. a MetricRollup on the MetricBatch topic). */
        WRONG_RECORD_TYPE("decode.wrong-record-type"),
        /** The body does not decode against the writer schema (bad union index, negative length, bad UTF-8, ...). */
        MALFORMED_BODY("decode.malformed-body"),
        /** The record decoded but bytes are left over after it. */
        TRAILING_BYTES("decode.trailing-bytes");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** Short machine-readable code, used as the dead-letter reason header, e.g. {@code decode.truncated}. */
        public String code() {
            return code;
        }
    }

    private final String expectedType;
    private final Reason reason;
    private final String detail;
    private final String topic;
    private final int partition;
    private final long offset;

    RecordDecodingException(String expectedType, String topic, Reason reason, String detail, Throwable cause) {
        this(expectedType, topic, -1, -1L, reason, detail, cause);
    }

    private RecordDecodingException(
            String expectedType,
            String topic,
            int partition,
            long offset,
            Reason reason,
            String detail,
            Throwable cause) {
        super(message(expectedType, topic, partition, offset, detail), cause);
        this.expectedType = Objects.requireNonNull(expectedType, "expectedType");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    private static String message(String expectedType, String topic, int partition, long offset, String detail) {
        StringBuilder message = new StringBuilder("Cannot decode ").append(expectedType);
        if (topic != null) {
            message.append(" from topic ").append(topic);
        }
        if (partition >= 0) {
            message.append(" partition ").append(partition);
        }
        if (offset >= 0) {
            message.append(" offset ").append(offset);
        }
        return message.append(": ").append(detail).toString();
    }

    /**
     * The same failure, located at a partition and offset: what a consumer rethrows once it knows where the bytes
     * came from.
     */
    public RecordDecodingException withLocation(int partition, long offset) {
        RecordDecodingException located =
                new RecordDecodingException(expectedType, topic, partition, offset, reason, detail, getCause());
        located.setStackTrace(getStackTrace());
        return located;
    }

    /**
     * Finds the decoding failure behind {@code error}: the exception itself, or the cause of a Kafka consumer's
     * {@link RecordDeserializationException}, then located at that exception's partition and offset.
     */
    public static Optional<RecordDecodingException> from(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof RecordDecodingException decoding) {
                return Optional.of(decoding);
            }
            if (current instanceof RecordDeserializationException kafka
                    && kafka.getCause() instanceof RecordDecodingException decoding) {
                RecordDecodingException located = decoding;
                if (decoding.topic == null
                        || decoding.topic.equals(kafka.topicPartition().topic())) {
                    located = new RecordDecodingException(
                            decoding.expectedType,
                            kafka.topicPartition().topic(),
                            kafka.topicPartition().partition(),
                            kafka.offset(),
                            decoding.reason,
                            decoding.detail,
                            decoding.getCause());
                    located.setStackTrace(decoding.getStackTrace());
                }
                return Optional.of(located);
            }
        }
        return Optional.empty();
    }

    /** Simple name of the record type the bytes should have held, e.g. {@code MetricBatch}. */
    public String expectedType() {
        return expectedType;
    }

    /** Why decoding failed. */
    public Reason reason() {
        return reason;
    }

    /** The specific reason in words, e.g. {@code unknown schema fingerprint 0x...}, without type or location. */
    public String detail() {
        return detail;
    }

    /** The topic the bytes were read from, when the decoder was told. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** The partition, when known. */
    public OptionalInt partition() {
        return partition >= 0 ? OptionalInt.of(partition) : OptionalInt.empty();
    }

    /** The offset, when known. */
    public OptionalLong offset() {
        return offset >= 0 ? OptionalLong.of(offset) : OptionalLong.empty();
    }
}
