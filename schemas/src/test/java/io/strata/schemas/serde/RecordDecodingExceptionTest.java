package io.strata.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.RecordDecodingException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordDecodingExceptionTest {

    private static final String RAW = "strata.metrics.raw";

    private final AvroSerde<MetricBatch> serde = AvroSerdes.metricBatch();
    private final byte[] valid = serde.serialize(RecordFixtures.fullMetricBatch());

    private RecordDecodingException decodeFailure(byte[] bytes) {
        return catchThrowableOfType(
                RecordDecodingException.class, () -> serde.deserializer().deserialize(RAW, bytes));
    }

    @Test
    void shouldRejectEmptyBytesAsTruncated() {
        RecordDecodingException error = decodeFailure(new byte[0]);

        assertThat(error.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(error)
                .hasMessage("Cannot decode MetricBatch from topic strata.metrics.raw: truncated record: 0 bytes,"
                        + " shorter than the 10-byte single-object header");
    }

    @Test
    void shouldRejectBytesShorterThanTheHeaderAsTruncated() {
        RecordDecodingException error = decodeFailure(Arrays.copyOf(valid, 9));

        assertThat(error.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(error.detail())
                .isEqualTo("truncated record: 9 bytes, shorter than the 10-byte single-object header");
    }

    @Test
    void shouldRejectABodyCutShortAsTruncated() {
        RecordDecodingException error = decodeFailure(Arrays.copyOf(valid, valid.length - 3));

        assertThat(error.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(error.detail()).isEqualTo("truncated record: the body ends before the MetricBatch is complete");
    }

    @Test
    void shouldRejectAHeaderWithNothingAfterItAsTruncated() {
        RecordDecodingException error = decodeFailure(Arrays.copyOf(valid, 10));

        assertThat(error.reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void shouldRejectBytesWithoutTheSingleObjectMarker() {
        byte[] plainAvro = Arrays.copyOf(valid, valid.length);
        plainAvro[0] = 0x12;
        plainAvro[1] = 0x34;

        RecordDecodingException error = decodeFailure(plainAvro);

        assertThat(error.reason()).isEqualTo(Reason.NOT_SINGLE_OBJECT);
        assertThat(error.detail())
                .isEqualTo("not Avro single-object encoding: starts with 0x12 0x34, expected marker 0xC3 0x01");
    }

    @Test
    void shouldRejectAnUnknownSchemaFingerprintNamingIt() {
        byte[] unknown = Arrays.copyOf(valid, valid.length);
        // fingerprint 0x0123456789ABCDEF, little-endian
        byte[] fingerprint = {(byte) 0xEF, (byte) 0xCD, (byte) 0xAB, (byte) 0x89, 0x67, 0x45, 0x23, 0x01};
        System.arraycopy(fingerprint, 0, unknown, 2, 8);

        RecordDecodingException error = decodeFailure(unknown);

        assertThat(error.reason()).isEqualTo(Reason.UNKNOWN_FINGERPRINT);
        assertThat(error.detail())
                .startsWith("unknown schema fingerprint 0x0123456789ABCDEF: not a MetricBatch version this jar"
                        + " ships (v1)");
    }

    @Test
    void shouldRejectAValidRecordOfAnotherTypeAsWrongType() {
        byte[] rollup = AvroSerdes.metricRollup().serialize(RecordFixtures.fullMetricRollup());

        RecordDecodingException error = decodeFailure(rollup);

        assertThat(error.reason()).isEqualTo(Reason.WRONG_RECORD_TYPE);
        assertThat(error.detail()).isEqualTo("wrong record type: expected MetricBatch, got MetricRollup (v1)");
    }

    @Test
    void shouldRejectAChangeEventOnTheInventoryTopicAsWrongType() {
        byte[] change = AvroSerdes.changeEvent().serialize(RecordFixtures.minimalChangeEvent());

        RecordDecodingException error = catchThrowableOfType(
                RecordDecodingException.class,
                () -> AvroSerdes.nodeInventory().deserializer().deserialize("strata.inventory", change));

        assertThat(error.detail()).isEqualTo("wrong record type: expected NodeInventory, got ChangeEvent (v1)");
        assertThat(error.expectedType()).isEqualTo("NodeInventory");
    }

    @Test
    void shouldRejectAMalformedBodyNamingAvrosComplaint() {
        byte[] malformed = Arrays.copyOf(valid, 20);
        malformed[10] = 0x01; // nodeId's length, zig-zag encoded: -1

        RecordDecodingException error = decodeFailure(malformed);

        assertThat(error.reason()).isEqualTo(Reason.MALFORMED_BODY);
        assertThat(error.detail()).startsWith("malformed record body: ").contains("-1");
    }

    @Test
    void shouldRejectGarbageAfterAValidHeaderWithoutRunningOutOfMemory() {
        byte[] garbage = Arrays.copyOf(valid, 64);
        Arrays.fill(garbage, 10, 64, (byte) 0xFE);

        RecordDecodingException error = decodeFailure(garbage);

        assertThat(error.reason()).isIn(Reason.MALFORMED_BODY, Reason.TRUNCATED);
    }

    @Test
    void shouldRejectTrailingBytesAfterTheRecord() {
        byte[] trailing = Arrays.copyOf(valid, valid.length + 2);

        RecordDecodingException error = decodeFailure(trailing);

        assertThat(error.reason()).isEqualTo(Reason.TRAILING_BYTES);
        assertThat(error.detail()).isEqualTo("trailing bytes: 2 bytes left after the end of the MetricBatch");
    }

    @Test
    void shouldAddPartitionAndOffsetWhenTheConsumerKnowsThem() {
        RecordDecodingException error = decodeFailure(new byte[3]);

        RecordDecodingException located = error.withLocation(4, 1234L);

        assertThat(located)
                .hasMessage("Cannot decode MetricBatch from topic strata.metrics.raw partition 4 offset 1234:"
                        + " truncated record: 3 bytes, shorter than the 10-byte single-object header");
        assertThat(located.partition()).hasValue(4);
        assertThat(located.offset()).hasValue(1234L);
        assertThat(located.topic()).hasValue(RAW);
        assertThat(located.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(error.partition()).isEmpty();
        assertThat(error.offset()).isEmpty();
    }

    @Test
    void shouldRecoverTheLocatedFailureFromKafkasRecordDeserializationException() {
        RecordDecodingException error = decodeFailure(new byte[3]);
        RecordDeserializationException kafka = new RecordDeserializationException(
                RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                new TopicPartition(RAW, 2),
                99L,
                0L,
                TimestampType.LOG_APPEND_TIME,
                null,
                ByteBuffer.wrap(new byte[3]),
                new RecordHeaders(),
                "Error deserializing VALUE",
                error);

        assertThat(RecordDecodingException.from(kafka)).hasValueSatisfying(located -> {
            assertThat(located.partition()).hasValue(2);
            assertThat(located.offset()).hasValue(99L);
            assertThat(located.reason()).isEqualTo(Reason.TRUNCATED);
        });
        assertThat(RecordDecodingException.from(new IllegalStateException("other")))
                .isEmpty();
    }

    @Test
    void shouldUseDistinctReasonCodes() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::code).distinct())
                .hasSize(Reason.values().length)
                .allMatch(code -> code.matches("decode\\.[a-z-]+"));
    }
}
