package io.strata.sink.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Makes sure a partitioned table has partitions for a time range before rows are written into it, so that rows for
 * a time with no partition get one rather than landing in the DEFAULT partition. Called inside the ingestion
 * transaction with the table name ({@code metric_samples}, {@code rollups_hourly}, {@code rollups_daily}) and the
 * smallest and largest partition key of the batch.
 */
@FunctionalInterface
public interface PartitionPreparer {

    /** Does nothing: partitions are all made ahead (rows outside them go to the DEFAULT partition). */
    PartitionPreparer NONE = (handle, table, from, to) -> {};

    /** Ensures partitions of {@code table} cover {@code [from, to]}. */
    void prepare(Handle handle, String table, Instant from, Instant to);

    /**
     * Calls the schema's {@code strata_ensure_partitions(table, from, to)} for ranges not seen before; day-grained
     * ranges already ensured by this process are skipped without a round trip.
     */
    static PartitionPreparer usingDatabaseFunction() {
        Set<String> ensured = ConcurrentHashMap.newKeySet();
        return (handle, table, from, to) -> {
            Instant day = from.truncatedTo(ChronoUnit.DAYS);
            String key = table + "/" + day + "/" + to.truncatedTo(ChronoUnit.DAYS);
            if (ensured.contains(key)) {
                return;
            }
            handle.createQuery("SELECT count(*) FROM strata_ensure_partitions(:table, :from, :to)")
                    .bind("table", table)
                    .bind("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                    .bind("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                    .mapTo(Long.class)
                    .one();
            if (ensured.size() > 10_000) {
                ensured.clear();
            }
            ensured.add(key);
        };
    }
}
