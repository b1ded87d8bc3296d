package io.strata.sink.copy;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams a {@link SampleBuffer} into {@code metric_samples} with one {@code COPY ... FROM STDIN (FORMAT BINARY)},
 * on the caller's connection and inside the caller's transaction. The rows are encoded into a reused 64 KiB chunk
 * that is handed to pgjdbc whenever it fills: the whole stream is never materialized as one array.
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
        CopyIn copy = pg.getCopyAPI().copyIn(PgBinaryCopy.COPY_METRIC_SAMPLES);
        try {
            // Rows are encoded into one reused chunk and handed to pgjdbc a chunk at a time.
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
            PgBinaryCopy.writeHeader(chunk);
            for (int i = 0; i < rows.size(); i++) {
                if (chunk.remaining() < PgBinaryCopy.ROW_BYTES + 2) {
                    copy.writeToCopy(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                PgBinaryCopy.writeRow(chunk, rows.seriesId(i), rows.epochMicros(i), rows.value(i));
            }
            PgBinaryCopy.writeTrailer(chunk);
            copy.writeToCopy(chunk.array(), 0, chunk.position());
            return copy.endCopy();
        } catch (SQLException | RuntimeException e) {
            cancelQuietly(copy);
            throw e;
        }
    }

    private static void cancelQuietly(CopyIn copy) {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException e) {
            // The original failure is the one worth reporting.
        }
    }
}
