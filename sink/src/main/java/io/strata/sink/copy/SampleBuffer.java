package io.strata.sink.copy;

import java.time.Instant;
import java.util.Arrays;

/**
 * Rows of {@code metric_samples} (series id, measured at, value) in primitive arrays, so that a batch of a million
 * samples costs three arrays rather than a million objects. Not thread-safe; reuse it with {@link #clear()}.
 */
public final class SampleBuffer {

    private long[] seriesIds;
    private long[] epochMicros;
    private double[] values;
    private int size;

    /** An empty buffer with room for {@code initialCapacity} rows before it grows. */
    public SampleBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, got " + initialCapacity);
        }
        seriesIds = new long[initialCapacity];
        epochMicros = new long[initialCapacity];
        values = new double[initialCapacity];
    }

    /** An empty buffer. */
    public SampleBuffer() {
        this(1024);
    }

    /** Appends a row; {@code epochMicros} is microseconds since 1970-01-01T00:00:00Z. */
    public void add(long seriesId, long epochMicros, double value) {
        if (size == seriesIds.length) {
            int capacity = Math.max(16, size * 2);
            seriesIds = Arrays.copyOf(seriesIds, capacity);
            this.epochMicros = Arrays.copyOf(this.epochMicros, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        seriesIds[size] = seriesId;
        this.epochMicros[size] = epochMicros;
        values[size] = value;
        size++;
    }

    /** Appends a row measured at {@code measuredAt} (truncated to microseconds, as PostgreSQL stores it). */
    public void add(long seriesId, Instant measuredAt, double value) {
        add(seriesId, toEpochMicros(measuredAt), value);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }

    /** Whether there are no rows. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Series id of row {@code index}. */
    public long seriesId(int index) {
        return seriesIds[checkIndex(index)];
    }

    /** Microseconds since the Unix epoch of row {@code index}. */
    public long epochMicros(int index) {
        return epochMicros[checkIndex(index)];
    }

    /** Value of row {@code index}. */
    public double value(int index) {
        return values[checkIndex(index)];
    }

    /** Removes every row, keeping the arrays. */
    public void clear() {
        size = 0;
    }

    /** Microseconds since the Unix epoch, rounded towards negative infinity. */
    public static long toEpochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return index;
    }
}
