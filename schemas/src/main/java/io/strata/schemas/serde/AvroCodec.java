package io.strata.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes one record type in Avro single-object encoding and decodes every shipped version of it. Thread-safe and
 * allocation-light: one {@link BinaryMessageEncoder} (thread-safe, per-thread buffers) and one datum reader per
 * writer schema (thread-safe, per-thread resolvers), a per-thread {@link BinaryDecoder} reused over the input array.
 */
final class AvroCodec<T extends SpecificRecord> {

    /** Marker byte 0 of the single-object encoding. */
    static final byte MARKER_0 = (byte) 0xC3;
    /** Marker byte 1 of the single-object encoding. */
    static final byte MARKER_1 = (byte) 0x01;
    /** Two marker bytes and the 8-byte little-endian fingerprint. */
    static final int HEADER_LENGTH = 10;

    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    private final ShippedType<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final Map<Long, DatumReader<T>> readers;
    private final String shippedVersions;

    AvroCodec(ShippedType<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        Schema current = type.currentSchema();
        this.encoder = new BinaryMessageEncoder<>(StrataSpecificData.INSTANCE, current, false);
        Map<Long, DatumReader<T>> byFingerprint = new HashMap<>();
        for (SchemaVersion version : type.writerVersions()) {
            byFingerprint.put(
                    version.fingerprint(),
                    new SpecificDatumReader<>(version.schema(), current, StrataSpecificData.INSTANCE));
        }
        this.readers = Map.copyOf(byFingerprint);
        this.shippedVersions =
                type.writerVersions().stream().map(SchemaVersion::label).collect(Collectors.joining(", "));
    }

    ShippedType<T> type() {
        return type;
    }

    byte[] encode(T datum) {
        Objects.requireNonNull(datum, "datum");
        try {
            // The buffer belongs to this thread and is reused; the one copy gives Kafka an exact-size array.
            ByteBuffer encoded = encoder.encode(datum);
            return Arrays.copyOfRange(
                    encoded.array(),
                    encoded.arrayOffset() + encoded.position(),
                    encoded.arrayOffset() + encoded.limit());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + type.name(), e);
        } catch (AvroRuntimeException | ClassCastException | NullPointerException e) {
            // A required field left null, a value of the wrong type: the caller's bug, named.
            throw new SerializationException("Cannot encode invalid " + type.name() + ": " + describe(e), e);
        }
    }

    T decode(String topic, byte[] data, int offset, int length) {
        if (length < HEADER_LENGTH) {
            throw failure(
                    topic,
                    RecordDecodingException.Reason.TRUNCATED,
                    "truncated record: " + length + " bytes, shorter than the " + HEADER_LENGTH
                            + "-byte single-object header",
                    null);
        }
        if (data[offset] != MARKER_0 || data[offset + 1] != MARKER_1) {
            throw failure(
                    topic,
                    RecordDecodingException.Reason.NOT_SINGLE_OBJECT,
                    String.format(
                            "not Avro single-object encoding: starts with 0x%02X 0x%02X, expected marker 0xC3 0x01",
                            data[offset] & 0xFF, data[offset + 1] & 0xFF),
                    null);
        }
        long fingerprint = readLittleEndianLong(data, offset + 2);
        DatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw unknownWriter(topic, fingerprint);
        }
        BinaryDecoder decoder =
                DecoderFactory.get().binaryDecoder(data, offset + HEADER_LENGTH, length - HEADER_LENGTH, DECODER.get());
        DECODER.set(decoder);
        T datum;
        try {
            datum = reader.read(null, decoder);
        } catch (EOFException e) {
            throw failure(
                    topic,
                    RecordDecodingException.Reason.TRUNCATED,
                    "truncated record: the body ends before the " + type.name() + " is complete",
                    e);
        } catch (IOException | RuntimeException e) {
            // Avro reports a body cut short inside a length-prefixed value as an EOFException cause.
            if (e.getCause() instanceof EOFException) {
                throw failure(
                        topic,
                        RecordDecodingException.Reason.TRUNCATED,
                        "truncated record: the body ends before the " + type.name() + " is complete",
                        e);
            }
            throw failure(
                    topic, RecordDecodingException.Reason.MALFORMED_BODY, "malformed record body: " + describe(e), e);
        }
        int left = remaining(decoder);
        if (left > 0) {
            throw failure(
                    topic,
                    RecordDecodingException.Reason.TRAILING_BYTES,
                    "trailing bytes: " + left + " bytes left after the end of the " + type.name(),
                    null);
        }
        return datum;
    }

    private RecordDecodingException unknownWriter(String topic, long fingerprint) {
        Optional<SchemaVersion> other = ShippedSchemas.byFingerprint(fingerprint);
        if (other.isPresent()) {
            return failure(
                    topic,
                    RecordDecodingException.Reason.WRONG_RECORD_TYPE,
                    "wrong record type: expected " + type.name() + ", got "
                            + other.get().typeName() + " (" + other.get().label() + ")",
                    null);
        }
        return failure(
                topic,
                RecordDecodingException.Reason.UNKNOWN_FINGERPRINT,
                String.format(
                        "unknown schema fingerprint 0x%016X: not a %s version this jar ships (%s), nor any other"
                                + " Strata record; written by a newer schema not yet released here, or not Strata"
                                + " data",
                        fingerprint, type.name(), shippedVersions),
                null);
    }

    private RecordDecodingException failure(
            String topic, RecordDecodingException.Reason reason, String detail, Throwable cause) {
        return new RecordDecodingException(type.name(), topic, reason, detail, cause);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank()
                ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + message;
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            return decoder.isEnd() ? 0 : Math.max(1, decoder.inputStream().available());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long readLittleEndianLong(byte[] data, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (data[offset + i] & 0xFFL);
        }
        return value;
    }
}
