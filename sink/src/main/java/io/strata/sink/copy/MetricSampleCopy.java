package io.strata.sink.copy;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Streams a {@link SampleBuffer} into {@code metric_samples} with one {@code COPY ... FROM STDIN (FORMAT BINARY)},
 * on the caller's connection and inside the caller's transaction. The rows are encoded straight into pgjdbc's COPY
 * stream in 64 KiB chunks, never materialized as one array.
 */
public final class MetricSampleCopy {

    private static final int CHUNK_BYTES = 64 * 1024;

    private MetricSampleCopy() {}

    /**
     * Copies every row of {@code rows}; returns the number of rows PostgreSQL reports.
     *
     * @throws SQLException when PostgreSQL rejects the COPY (the caller's transaction is then aborted)
     */
    public static long copy(Connection connection, SampleBuffer rows) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            return 0;
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        PGCopyOutputStream copy = new PGCopyOutputStream(pg, PgBinaryCopy.COPY_METRIC_SAMPLES, CHUNK_BYTES);
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(copy, CHUNK_BYTES));
            PgBinaryCopy.writeHeader(out);
            for (int i = 0; i < rows.size(); i++) {
                PgBinaryCopy.writeRow(out, rows.seriesId(i), rows.epochMicros(i), rows.value(i));
            }
            PgBinaryCopy.writeTrailer(out);
            out.flush();
            return copy.endCopy();
        } catch (IOException e) {
            // pgjdbc reports server errors during the copy as IOExceptions wrapping the SQLException.
            cancelQuietly(copy);
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException("COPY into metric_samples failed: " + e.getMessage(), "08006", e);
        } catch (SQLException | RuntimeException e) {
            cancelQuietly(copy);
            throw e;
        }
    }

    private static void cancelQuietly(PGCopyOutputStream copy) {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException e) {
            // The original failure is the one worth reporting.
        }
    }
}
