package io.strata.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for one Strata record type: decodes Avro single-object encoding written with any schema version
 * this jar ships, into the current generated class. Thread-safe; {@code null} bytes (a tombstone) give {@code null}.
 *
 * <p>Bytes that cannot be decoded raise a {@link RecordDecodingException} naming the topic and the reason; Kafka's
 * consumer wraps it in a {@code RecordDeserializationException} that adds partition and offset (see {@link
 * RecordDecodingException#from(Throwable)}).
 *
 * @param <T> the generated record class
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final AvroCodec<T> codec;

    AvroDeserializer(AvroCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(topic, data, 0, data.length);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    /** Decodes straight from the consumer's buffer, without copying it first. */
    @Override
    public T deserialize(String topic, Headers headers, ByteBuffer data) {
        if (data == null) {
            return null;
        }
        if (data.hasArray()) {
            return codec.decode(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return codec.decode(topic, copy, 0, copy.length);
    }
}
