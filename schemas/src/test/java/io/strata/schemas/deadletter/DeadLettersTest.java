package io.strata.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.serde.RecordDecodingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final byte[] KEY = "node-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GARBAGE = {1, 2, 3};

    private static RecordDecodingException decodingFailure() {
        try {
            AvroSerdes.metricBatch().deserializer().deserialize("strata.metrics.raw", GARBAGE);
        } catch (RecordDecodingException e) {
            return e;
        }
        throw new AssertionError("garbage decoded");
    }

    @Test
    void shouldNameWriterSourcePositionReasonAndErrorInHeaders() {
        Headers headers = DeadLetters.headers(
                "strata-streams",
                "strata.metrics.raw",
                3,
                42L,
                1_700_000_000_000L,
                "invalid.non-finite",
                new IllegalStateException("bad value"));

        assertThat(text(headers, DeadLetterHeaders.SOURCE)).contains("strata-streams");
        assertThat(text(headers, DeadLetterHeaders.TOPIC)).contains("strata.metrics.raw");
        assertThat(text(headers, DeadLetterHeaders.PARTITION)).contains("3");
        assertThat(text(headers, DeadLetterHeaders.OFFSET)).contains("42");
        assertThat(text(headers, DeadLetterHeaders.TIMESTAMP)).contains("1700000000000");
        assertThat(text(headers, DeadLetterHeaders.REASON)).contains("invalid.non-finite");
        assertThat(text(headers, DeadLetterHeaders.ERROR_CLASS)).contains("java.lang.IllegalStateException");
        assertThat(text(headers, DeadLetterHeaders.ERROR_MESSAGE)).contains("bad value");
    }

    @Test
    void shouldKeepOriginalKeyValueAndHeadersButReplaceEarlierDeadLetterHeaders() {
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        original.add(DeadLetterHeaders.REASON, "stale".getBytes(StandardCharsets.UTF_8));
        original.add(DeadLetterHeaders.SOURCE, "strata-streams".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>(
                "strata.metrics.raw",
                1,
                7L,
                123L,
                TimestampType.LOG_APPEND_TIME,
                KEY.length,
                GARBAGE.length,
                KEY,
                GARBAGE,
                original,
                Optional.empty());
        RecordDecodingException error = decodingFailure();

        ProducerRecord<byte[], byte[]> deadLetter =
                DeadLetters.record("strata-sink", "strata.deadletter", failed, DeadLetters.reasonCode(error), error);

        assertThat(deadLetter.topic()).isEqualTo("strata.deadletter");
        assertThat(deadLetter.key()).isEqualTo(KEY);
        assertThat(deadLetter.value()).isEqualTo(GARBAGE);
        assertThat(text(deadLetter.headers(), "trace-id")).contains("abc");
        assertThat(deadLetter.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(deadLetter.headers().headers(DeadLetterHeaders.SOURCE)).hasSize(1);
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.SOURCE)).contains("strata-sink");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.REASON)).contains("decode.truncated");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.OFFSET)).contains("7");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.ERROR_CLASS))
                .contains(RecordDecodingException.class.getName());
    }

    @Test
    void shouldBuildTheDeadLetterFromKafkasRecordDeserializationException() {
        RecordDeserializationException failed = new RecordDeserializationException(
                RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                new TopicPartition("strata.metrics.raw", 5),
                11L,
                456L,
                TimestampType.LOG_APPEND_TIME,
                ByteBuffer.wrap(KEY),
                ByteBuffer.wrap(GARBAGE),
                new RecordHeaders(),
                "Error deserializing VALUE",
                decodingFailure());

        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.record("strata-sink", "strata.deadletter", failed);

        assertThat(deadLetter.key()).isEqualTo(KEY);
        assertThat(deadLetter.value()).isEqualTo(GARBAGE);
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.SOURCE)).contains("strata-sink");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.PARTITION)).contains("5");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.TIMESTAMP)).contains("456");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.REASON)).contains("decode.truncated");
        assertThat(text(deadLetter.headers(), DeadLetterHeaders.ERROR_MESSAGE))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("Cannot decode MetricBatch from topic strata.metrics.raw partition 5 offset 11:"
                                + " truncated record"));
    }

    @Test
    void shouldTruncateLongErrorMessages() {
        Headers headers =
                DeadLetters.headers("app", "t", 0, 0L, 0L, "error", new IllegalStateException("x".repeat(5_000)));

        assertThat(text(headers, DeadLetterHeaders.ERROR_MESSAGE))
                .hasValueSatisfying(message -> assertThat(message).hasSize(DeadLetterHeaders.MAX_MESSAGE_LENGTH));
    }

    @Test
    void shouldRejectAReasonCodeThatIsNotMachineReadable() {
        assertThatThrownBy(() -> DeadLetters.headers("app", "t", 0, 0L, 0L, "Bad Reason", new IllegalStateException()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad Reason");
    }

    @Test
    void shouldRequireTheWritingApplication() {
        assertThatThrownBy(() -> DeadLetters.headers(" ", "t", 0, 0L, 0L, "error", new IllegalStateException()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source");
        assertThatThrownBy(() -> DeadLetters.headers(null, "t", 0, 0L, 0L, "error", new IllegalStateException()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("source");
    }

    @Test
    void shouldFallBackToTheGenericReasonCodeForOtherErrors() {
        assertThat(DeadLetters.reasonCode(new IllegalStateException("boom"))).isEqualTo(DeadLetters.REASON_ERROR);
    }

    private static Optional<String> text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
