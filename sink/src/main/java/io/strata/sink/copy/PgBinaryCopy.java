package io.strata.sink.copy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encoder of PostgreSQL's binary COPY format for rows of {@code (series_id BIGINT, measured_at TIMESTAMPTZ, value
 * DOUBLE PRECISION)}: the 11-byte signature, flags and header extension, one tuple per row (field count, then each
 * field as length + big-endian bytes) and the {@code -1} trailer. {@code measured_at} is sent as microseconds since
 * 2000-01-01T00:00:00Z, PostgreSQL's internal timestamp. See the "COPY" page of the PostgreSQL manual, "Binary
 * Format".
 */
public final class PgBinaryCopy {

    /** The 11-byte signature that starts every binary COPY stream: {@code PGCOPY\n\377\r\n\0}. */
    static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    /** Microseconds from 1970-01-01 (Unix epoch) to 2000-01-01 (PostgreSQL epoch). */
    public static final long POSTGRES_EPOCH_OFFSET_MICROS = 946_684_800_000_000L;

    /** Bytes of one encoded row: 2 (field count) + 3 × (4 + 8). */
    public static final int ROW_BYTES = 2 + 3 * (4 + 8);

    /** Bytes of header plus trailer. */
    public static final int FRAME_BYTES = SIGNATURE.length + 4 + 4 + 2;

    /** The COPY statement this encoding is for. */
    public static final String COPY_METRIC_SAMPLES =
            "COPY metric_samples (series_id, measured_at, value) FROM STDIN (FORMAT BINARY)";

    private static final short FIELD_COUNT = 3;

    private PgBinaryCopy() {}

    /** Writes the header, every row of {@code rows}, and the trailer. */
    public static void write(SampleBuffer rows, OutputStream out) {
        try {
            out.write(encode(rows));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write COPY data", e);
        }
    }

    /** The whole encoding of {@code rows} as a byte array. */
    public static byte[] encode(SampleBuffer rows) {
        ByteBuffer buffer = ByteBuffer.allocate(FRAME_BYTES + rows.size() * ROW_BYTES);
        writeHeader(buffer);
        for (int i = 0; i < rows.size(); i++) {
            writeRow(buffer, rows.seriesId(i), rows.epochMicros(i), rows.value(i));
        }
        writeTrailer(buffer);
        return buffer.array();
    }

    static void writeHeader(ByteBuffer out) {
        out.put(SIGNATURE);
        out.putInt(0); // flags: no OIDs
        out.putInt(0); // header extension length
    }

    /** One tuple; {@code out} is big-endian (a ByteBuffer's default), as COPY BINARY wants. */
    static void writeRow(ByteBuffer out, long seriesId, long epochMicros, double value) {
        out.putShort(FIELD_COUNT);
        out.putInt(8);
        out.putLong(seriesId);
        out.putInt(8);
        out.putLong(Math.subtractExact(epochMicros, POSTGRES_EPOCH_OFFSET_MICROS));
        out.putInt(8);
        out.putLong(Double.doubleToRawLongBits(value));
    }

    static void writeTrailer(ByteBuffer out) {
        out.putShort((short) -1);
    }

    /** The signature as text, for messages. */
    static String signature() {
        return new String(SIGNATURE, StandardCharsets.ISO_8859_1);
    }
}
