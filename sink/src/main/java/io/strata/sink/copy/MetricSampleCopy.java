package io.strata.sink.copy;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into {@code metric_samples} with one {@code COPY ... FROM STDIN (FORMAT BINARY)}, on the caller's
 * connection and inside the caller's transaction. Rows are encoded into a reused chunk that is handed to pgjdbc
 * whenever it fills, so PostgreSQL inserts while the caller still adds rows and the stream is never materialized.
 *
 * <p>Use: {@link #begin}, {@link #add} or {@link #addAll} rows, then {@link #finish()}; on any failure {@link
 * #cancel()}. Or {@link #copy(Connection, SampleBuffer)} for rows already in a buffer. Not thread-safe.
 */
public final class MetricSampleCopy {

    /** Bytes handed to pgjdbc at a time: large enough that the per-message overhead does not count. */
    private static final int CHUNK_BYTES = 256 * 1024;

    private final CopyIn copy;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);

    private MetricSampleCopy(CopyIn copy) {
        this.copy = copy;
        PgBinaryCopy.writeHeader(chunk);
    }

    /**
     * Starts the COPY on {@code connection}.
     *
     * @throws SQLException when PostgreSQL refuses it
     */
    public static MetricSampleCopy begin(Connection connection) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        return new MetricSampleCopy(
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn(PgBinaryCopy.COPY_METRIC_SAMPLES));
    }

    /** Adds one row; {@code epochMicros} is microseconds since 1970-01-01T00:00:00Z. */
    public void add(long seriesId, long epochMicros, double value) throws SQLException {
        if (chunk.remaining() < PgBinaryCopy.ROW_BYTES + 2) {
            flush();
        }
        PgBinaryCopy.writeRow(chunk, seriesId, epochMicros, value);
    }

    /** Adds row {@code i} = ({@code seriesIds[i]}, {@code epochMicros[i]}, {@code values[i]}) for each i in [0, count). */
    public void addAll(long[] seriesIds, long[] epochMicros, double[] values, int count) throws SQLException {
        Objects.checkFromToIndex(0, count, Math.min(seriesIds.length, Math.min(epochMicros.length, values.length)));
        for (int i = 0; i < count; i++) {
            if (chunk.remaining() < PgBinaryCopy.ROW_BYTES + 2) {
                flush();
            }
            PgBinaryCopy.writeRow(chunk, seriesIds[i], epochMicros[i], values[i]);
        }
    }

    /**
     * Ends the COPY; returns the number of rows PostgreSQL reports.
     *
     * @throws SQLException when PostgreSQL rejects a row (the caller's transaction is then aborted)
     */
    public long finish() throws SQLException {
        PgBinaryCopy.writeTrailer(chunk);
        flush();
        return copy.endCopy();
    }

    /** Abandons the COPY after a failure, quietly: the original failure is the one worth reporting. */
    public void cancel() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException e) {
            // See above.
        }
    }

    private void flush() throws SQLException {
        copy.writeToCopy(chunk.array(), 0, chunk.position());
        chunk.clear();
    }

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
        MetricSampleCopy copy = begin(connection);
        try {
            for (int i = 0; i < rows.size(); i++) {
                copy.add(rows.seriesId(i), rows.epochMicros(i), rows.value(i));
            }
            return copy.finish();
        } catch (SQLException | RuntimeException e) {
            copy.cancel();
            throw e;
        }
    }
}
