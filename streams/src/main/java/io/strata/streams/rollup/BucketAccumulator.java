package io.strata.streams.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.util.Arrays;

/**
 * The running aggregate of one series over one time bucket: count, sum, min, max, first and last (by sample
 * timestamp, not arrival order), the reset-aware increase for counters, and a DDSketch of the values. Mutable; not
 * thread-safe (one lives inside one stream task at a time).
 *
 * <p><b>Counter increase.</b> Over samples ordered by timestamp, the increase is the sum of {@code delta(previous,
 * next)}, where {@code delta(a, b) = b - a} if {@code b >= a} and {@code b} otherwise (a drop is a reset: the counter
 * restarted from zero and grew to {@code b}). To stay exact when samples arrive out of order, a counter bucket keeps
 * its samples' (timestamp, value) pairs while it is open: an insertion between neighbours {@code a} and {@code b}
 * replaces {@code delta(a, b)} by {@code delta(a, x) + delta(x, b)}. When the bucket is emitted the processor
 * {@link #compact() compacts} it to its boundary samples (first and last), which keeps the state of a closed bucket
 * small for the whole hourly retention. A late sample after the last or before the first sample of a compacted bucket
 * (the usual case: a node replaying its spool in order) is still exact; one that falls between the first and last
 * sample cannot be placed among samples no longer kept, so it is counted into everything but the increase, and
 * {@link #add} reports it so the caller can count it.
 *
 * <p><b>Merging</b> ({@link #merge}) is exact for count, sum, min, max, first, last and the sketch. For counters it is
 * exact when both sides still hold their samples, or when they do not overlap in time (hourly components of a day):
 * then the increase is {@code a.increase + b.increase + delta(a.last, b.first)}, which counts the step between the
 * two buckets too.
 */
final class BucketAccumulator {

    private static final int VERSION = 1;
    private static final int FLAG_COUNTER = 1;
    private static final int FLAG_SAMPLES = 2;

    private final boolean counter;
    private final DDSketch sketch;
    private long count;
    private double sum;
    private double min;
    private double max;
    private long firstTimestamp;
    private double first;
    private long lastTimestamp;
    private double last;
    private double increase;
    // Counter samples ordered by timestamp, kept until compact(); null for gauges and compacted counters.
    private long[] sampleTimes;
    private double[] sampleValues;
    private int sampleCount;

    private BucketAccumulator(boolean counter, DDSketch sketch, boolean keepSamples) {
        this.counter = counter;
        this.sketch = sketch;
        if (counter && keepSamples) {
            sampleTimes = new long[8];
            sampleValues = new double[8];
        }
    }

    /** An empty accumulator for a gauge ({@code counter=false}) or a counter. */
    static BucketAccumulator create(boolean counter, double relativeAccuracy) {
        return new BucketAccumulator(counter, Sketches.create(relativeAccuracy), true);
    }

    /** The increase from {@code previous} to {@code next}, reading a drop as a reset to zero. */
    static double delta(double previous, double next) {
        return next >= previous ? next - previous : next;
    }

    /**
     * Adds one sample.
     *
     * @return false if this is a compacted counter and the sample fell between its first and last sample, so that
     *     its effect on the increase could not be computed (everything else is still exact)
     */
    boolean add(long timestamp, double value) {
        boolean exact = true;
        if (counter) {
            exact = addToIncrease(timestamp, value);
        }
        if (count == 0) {
            firstTimestamp = timestamp;
            first = value;
            lastTimestamp = timestamp;
            last = value;
            min = value;
            max = value;
        } else {
            if (timestamp < firstTimestamp) {
                firstTimestamp = timestamp;
                first = value;
            }
            if (timestamp >= lastTimestamp) {
                lastTimestamp = timestamp;
                last = value;
            }
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        count++;
        sum += value;
        sketch.accept(value);
        return exact;
    }

    private boolean addToIncrease(long timestamp, double value) {
        if (sampleTimes != null) {
            insertSample(timestamp, value);
            return true;
        }
        if (count == 0) {
            return true;
        }
        if (timestamp >= lastTimestamp) {
            increase += delta(last, value);
            return true;
        }
        if (timestamp < firstTimestamp) {
            increase += delta(value, first);
            return true;
        }
        return false;
    }

    private void insertSample(long timestamp, double value) {
        // Position after every sample with a timestamp <= this one: equal timestamps keep arrival order.
        int position = sampleCount;
        while (position > 0 && sampleTimes[position - 1] > timestamp) {
            position--;
        }
        boolean hasPrevious = position > 0;
        boolean hasNext = position < sampleCount;
        if (hasPrevious && hasNext) {
            double previous = sampleValues[position - 1];
            double next = sampleValues[position];
            increase += delta(previous, value) + delta(value, next) - delta(previous, next);
        } else if (hasPrevious) {
            increase += delta(sampleValues[position - 1], value);
        } else if (hasNext) {
            increase += delta(value, sampleValues[position]);
        }
        if (sampleCount == sampleTimes.length) {
            sampleTimes = Arrays.copyOf(sampleTimes, sampleCount * 2);
            sampleValues = Arrays.copyOf(sampleValues, sampleCount * 2);
        }
        System.arraycopy(sampleTimes, position, sampleTimes, position + 1, sampleCount - position);
        System.arraycopy(sampleValues, position, sampleValues, position + 1, sampleCount - position);
        sampleTimes[position] = timestamp;
        sampleValues[position] = value;
        sampleCount++;
    }

    /** Drops a counter's per-sample state, keeping the boundary samples (see the class comment). */
    void compact() {
        sampleTimes = null;
        sampleValues = null;
        sampleCount = 0;
    }

    /** Whether this counter still holds its samples (always false for gauges). */
    boolean holdsSamples() {
        return sampleTimes != null;
    }

    /**
     * Merges another accumulator of the same kind and sketch mapping into this one.
     *
     * @throws IllegalArgumentException if the kinds differ, or both are counters that overlap in time and one no
     *     longer holds its samples (the increase could not be exact)
     */
    BucketAccumulator merge(BucketAccumulator other) {
        if (other.counter != counter) {
            throw new IllegalArgumentException("cannot merge a counter with a gauge");
        }
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            copyFrom(other);
            return this;
        }
        if (counter) {
            mergeIncrease(other);
        }
        if (other.firstTimestamp < firstTimestamp) {
            firstTimestamp = other.firstTimestamp;
            first = other.first;
        }
        if (other.lastTimestamp >= lastTimestamp) {
            lastTimestamp = other.lastTimestamp;
            last = other.last;
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        sketch.mergeWith(other.sketch);
        return this;
    }

    private void mergeIncrease(BucketAccumulator other) {
        if (sampleTimes != null && other.sampleTimes != null) {
            for (int i = 0; i < other.sampleCount; i++) {
                insertSample(other.sampleTimes[i], other.sampleValues[i]);
            }
            return;
        }
        if (lastTimestamp <= other.firstTimestamp) {
            increase = increase + other.increase + delta(last, other.first);
        } else if (other.lastTimestamp <= firstTimestamp) {
            increase = other.increase + increase + delta(other.last, first);
        } else {
            throw new IllegalArgumentException(
                    "cannot merge overlapping counter buckets without their samples: the increase would be inexact");
        }
        compact();
    }

    private void copyFrom(BucketAccumulator other) {
        count = other.count;
        sum = other.sum;
        min = other.min;
        max = other.max;
        firstTimestamp = other.firstTimestamp;
        first = other.first;
        lastTimestamp = other.lastTimestamp;
        last = other.last;
        increase = other.increase;
        sketch.mergeWith(other.sketch);
        if (other.sampleTimes == null) {
            compact();
        } else if (counter) {
            sampleTimes = Arrays.copyOf(other.sampleTimes, Math.max(8, other.sampleCount));
            sampleValues = Arrays.copyOf(other.sampleValues, Math.max(8, other.sampleCount));
            sampleCount = other.sampleCount;
        }
    }

    boolean isCounter() {
        return counter;
    }

    long count() {
        return count;
    }

    double sum() {
        return sum;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    long firstTimestamp() {
        return firstTimestamp;
    }

    double first() {
        return first;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    double last() {
        return last;
    }

    /** The reset-aware increase; null for gauges. */
    Double increase() {
        return counter ? increase : null;
    }

    /** The sketch itself (not a copy). */
    DDSketch sketch() {
        return sketch;
    }

    /** The compact state-store form. */
    byte[] encode() {
        byte[] sketchBytes = Sketches.encode(sketch);
        StateWriter writer = new StateWriter(64 + sketchBytes.length + sampleCount * 10);
        writer.writeByte(VERSION);
        writer.writeByte((counter ? FLAG_COUNTER : 0) | (sampleTimes != null ? FLAG_SAMPLES : 0));
        writer.writeVarLong(count);
        writer.writeDouble(sum).writeDouble(min).writeDouble(max);
        writer.writeSignedVarLong(firstTimestamp).writeDouble(first);
        writer.writeSignedVarLong(lastTimestamp - firstTimestamp).writeDouble(last);
        if (counter) {
            writer.writeDouble(increase);
        }
        if (sampleTimes != null) {
            writer.writeVarLong(sampleCount);
            long previous = firstTimestamp;
            for (int i = 0; i < sampleCount; i++) {
                writer.writeSignedVarLong(sampleTimes[i] - previous);
                writer.writeDouble(sampleValues[i]);
                previous = sampleTimes[i];
            }
        }
        writer.writeBytes(sketchBytes);
        return writer.toByteArray();
    }

    /** Reads {@link #encode()}. */
    static BucketAccumulator decode(byte[] bytes) {
        return read(new StateReader(bytes));
    }

    static BucketAccumulator read(StateReader reader) {
        int version = reader.readByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown bucket state version " + version);
        }
        int flags = reader.readByte();
        long count = reader.readVarLong();
        double sum = reader.readDouble();
        double min = reader.readDouble();
        double max = reader.readDouble();
        long firstTimestamp = reader.readSignedVarLong();
        double first = reader.readDouble();
        long lastTimestamp = firstTimestamp + reader.readSignedVarLong();
        double last = reader.readDouble();
        boolean counter = (flags & FLAG_COUNTER) != 0;
        double increase = counter ? reader.readDouble() : 0;
        long[] times = null;
        double[] values = null;
        int samples = 0;
        if ((flags & FLAG_SAMPLES) != 0) {
            samples = (int) reader.readVarLong();
            times = new long[Math.max(8, samples)];
            values = new double[Math.max(8, samples)];
            long previous = firstTimestamp;
            for (int i = 0; i < samples; i++) {
                previous += reader.readSignedVarLong();
                times[i] = previous;
                values[i] = reader.readDouble();
            }
        }
        DDSketch sketch = Sketches.decode(reader.readBytes());
        BucketAccumulator accumulator = new BucketAccumulator(counter, sketch, false);
        accumulator.count = count;
        accumulator.sum = sum;
        accumulator.min = min;
        accumulator.max = max;
        accumulator.firstTimestamp = firstTimestamp;
        accumulator.first = first;
        accumulator.lastTimestamp = lastTimestamp;
        accumulator.last = last;
        accumulator.increase = increase;
        accumulator.sampleTimes = times;
        accumulator.sampleValues = values;
        accumulator.sampleCount = samples;
        return accumulator;
    }
}
