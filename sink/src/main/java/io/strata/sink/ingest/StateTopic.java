package io.strata.sink.ingest;

import io.strata.schemas.serde.AvroSerde;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A state topic the sink consumes besides the metric topics: its name, the serde of its records and the writer
 * that stores them (e.g. {@code strata.inventory} with {@code AvroSerdes.nodeInventory()}).
 *
 * @param topic topic name
 * @param serde decoder of the record values
 * @param writer stores a decoded record in the batch's transaction
 * @param <T> the record type
 */
public record StateTopic<T extends SpecificRecord>(String topic, AvroSerde<T> serde, StateRecordWriter<T> writer) {

    /** Validates. */
    public StateTopic {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(serde, "serde");
        Objects.requireNonNull(writer, "writer");
    }

    void write(org.jdbi.v3.core.Handle handle, Object record) {
        writer.write(handle, serde.type().cast(record));
    }
}
