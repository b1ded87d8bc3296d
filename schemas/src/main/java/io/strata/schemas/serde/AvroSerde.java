package io.strata.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka serde for one Strata record type in Avro single-object encoding (2-byte marker {@code 0xC3 0x01}, 8-byte
 * little-endian CRC-64-AVRO schema fingerprint, Avro binary body). Writes with the current schema; reads every schema
 * version this jar ships. Stateless and thread-safe: share one instance (see {@link AvroSerdes}).
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroCodec<T> codec;
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    AvroSerde(AvroCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.serializer = new AvroSerializer<>(codec);
        this.deserializer = new AvroDeserializer<>(codec);
    }

    @Override
    public AvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return deserializer;
    }

    /** Encodes a record (not {@code null}). */
    public byte[] serialize(T record) {
        return codec.encode(Objects.requireNonNull(record, "record"));
    }

    /**
     * Decodes bytes (not {@code null}) read from {@code topic}.
     *
     * @throws RecordDecodingException when the bytes are not a {@code T} of a shipped schema version
     */
    public T deserialize(String topic, byte[] data) {
        Objects.requireNonNull(data, "data");
        return codec.decode(topic, data, 0, data.length);
    }

    /** The generated class. */
    public Class<T> type() {
        return codec.type().type();
    }

    /** The current schema, the one this serde writes. */
    public Schema schema() {
        return codec.type().currentSchema();
    }

    @Override
    public String toString() {
        return "AvroSerde[" + codec.type().name() + "]";
    }
}
