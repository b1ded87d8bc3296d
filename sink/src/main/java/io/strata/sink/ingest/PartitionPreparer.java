package io.strata.sink.ingest;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Makes sure a partitioned table has partitions for a time range before rows are written into it, so that rows for
 * a time with no partition get one rather than failing. Called inside the ingestion transaction with the table name
 * ({@code metric_samples}, {@code rollups_hourly}, {@code rollups_daily}) and the smallest and largest partition key
 * of the batch.
 */
@FunctionalInterface
public interface PartitionPreparer {

    /** Does nothing: for a schema whose partitions are all made ahead. */
    PartitionPreparer NONE = (handle, table, from, to) -> {};

    /** Ensures partitions of {@code table} cover {@code [from, to]}. */
    void prepare(Handle handle, String table, Instant from, Instant to);
}
