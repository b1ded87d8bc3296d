package io.strata.sink.ingest;

import org.jdbi.v3.core.Handle;

/**
 * Writes one decoded state record (NodeInventory, PostgresState, ChangeEvent, ...) inside the ingestion transaction
 * of its batch. Implementations must use only {@code handle} and must not commit or roll back.
 *
 * @param <T> the Avro record type
 */
@FunctionalInterface
public interface StateRecordWriter<T> {

    /** Writes {@code record}; any exception rolls back the whole batch (a SQL data error dead-letters the record). */
    void write(Handle handle, T record);
}
