package io.strata.streams.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The quantile sketch of Strata's rollups: a DDSketch (logarithmic mapping, relative accuracy configurable, default
 * 1%) and its two byte forms.
 *
 * <ul>
 *   <li>{@link #toProtobuf(DDSketch)} / {@link #fromProtobuf(byte[])}: the wire form in {@code MetricRollup.sketch},
 *       DDSketch's protobuf message as written by {@link DDSketch#serialize()}. {@link #fromProtobuf(byte[])} reads
 *       it without protobuf-java (a small wire-format reader), so consumers need nothing but sketches-java.
 *   <li>{@link #encode(DDSketch)} / {@link #decode(byte[])}: sketches-java's own compact encoding, used in state
 *       stores.
 * </ul>
 *
 * <p>The stores collapse the lowest bins beyond {@value #MAX_BINS} bins: at 1% accuracy that spans a ratio of about
 * 10^17 between the smallest and largest value of one series, so in practice nothing collapses, while a series of
 * pathological values cannot grow a bucket's state without bound. Merging is exact: the merged sketch equals the
 * sketch of the union of the samples.
 */
public final class Sketches {

    /** The default relative accuracy: 1%. */
    public static final double DEFAULT_RELATIVE_ACCURACY = 0.01;

    /** Bins kept per sign before the lowest are collapsed. */
    public static final int MAX_BINS = 2048;

    private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);

    private Sketches() {}

    /**
     * A new, empty sketch.
     *
     * @throws IllegalArgumentException unless {@code 0 < relativeAccuracy < 1}
     */
    public static DDSketch create(double relativeAccuracy) {
        checkRelativeAccuracy(relativeAccuracy);
        return DDSketches.logarithmicCollapsingLowestDense(relativeAccuracy, MAX_BINS);
    }

    /** Validates a relative accuracy: strictly between 0 and 1. */
    public static double checkRelativeAccuracy(double relativeAccuracy) {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
            throw new IllegalArgumentException(
                    "relative accuracy must be strictly between 0 and 1, got " + relativeAccuracy);
        }
        return relativeAccuracy;
    }

    /** The protobuf form written into {@code MetricRollup.sketch}. */
    public static byte[] toProtobuf(DDSketch sketch) {
        Objects.requireNonNull(sketch, "sketch");
        ByteBuffer buffer = sketch.serialize();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * Reads the protobuf form of {@link #toProtobuf(DDSketch)} (DDSketch's {@code DDSketch} message with a
     * logarithmic mapping).
     *
     * @throws IllegalArgumentException if the bytes are not such a message
     */
    public static DDSketch fromProtobuf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return ProtobufSketchReader.read(bytes, STORE);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a DDSketch protobuf message: " + e.getMessage(), e);
        }
    }

    /** The compact state-store form. */
    static byte[] encode(DDSketch sketch) {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(output, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output: cannot happen
        }
        return output.trimmedCopy();
    }

    /** Reads {@link #encode(DDSketch)}. */
    static DDSketch decode(byte[] bytes) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(bytes), STORE);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt sketch state: " + e.getMessage(), e);
        }
    }

    /** Minimal protobuf wire-format reader for DDSketch's three messages. */
    private static final class ProtobufSketchReader {
        private final byte[] bytes;
        private int position;
        private final int limit;

        private ProtobufSketchReader(byte[] bytes, int position, int limit) {
            this.bytes = bytes;
            this.position = position;
            this.limit = limit;
        }

        static DDSketch read(byte[] bytes, Supplier<Store> stores) {
            ProtobufSketchReader reader = new ProtobufSketchReader(bytes, 0, bytes.length);
            double gamma = Double.NaN;
            double indexOffset = 0;
            Store positive = stores.get();
            Store negative = stores.get();
            double zeroCount = 0;
            while (reader.position < reader.limit) {
                int tag = (int) reader.varint();
                switch (tag >>> 3) {
                    case 1 -> {
                        ProtobufSketchReader mapping = reader.embedded();
                        while (mapping.position < mapping.limit) {
                            int mappingTag = (int) mapping.varint();
                            switch (mappingTag >>> 3) {
                                case 1 -> gamma = mapping.fixedDouble();
                                case 2 -> indexOffset = mapping.fixedDouble();
                                case 3 -> {
                                    long interpolation = mapping.varint();
                                    if (interpolation != 0) {
                                        throw new IllegalArgumentException(
                                                "unsupported interpolation " + interpolation);
                                    }
                                }
                                default -> mapping.skip(mappingTag & 7);
                            }
                        }
                    }
                    case 2 -> reader.embedded().readStore(positive);
                    case 3 -> reader.embedded().readStore(negative);
                    case 4 -> zeroCount = reader.fixedDouble();
                    default -> reader.skip(tag & 7);
                }
            }
            if (Double.isNaN(gamma)) {
                throw new IllegalArgumentException("no index mapping");
            }
            return DDSketch.of(new LogarithmicMapping(gamma, indexOffset), negative, positive, zeroCount);
        }

        private void readStore(Store store) {
            int contiguousOffset = 0;
            double[] contiguous = new double[0];
            while (position < limit) {
                int tag = (int) varint();
                switch (tag >>> 3) {
                    case 1 -> {
                        ProtobufSketchReader entry = embedded();
                        int index = 0;
                        double count = 0;
                        while (entry.position < entry.limit) {
                            int entryTag = (int) entry.varint();
                            switch (entryTag >>> 3) {
                                case 1 -> index = zigzag(entry.varint());
                                case 2 -> count = entry.fixedDouble();
                                default -> entry.skip(entryTag & 7);
                            }
                        }
                        if (count > 0) {
                            store.add(index, count);
                        }
                    }
                    case 2 -> {
                        if ((tag & 7) == 2) {
                            ProtobufSketchReader packed = embedded();
                            double[] values = new double[(packed.limit - packed.position) / 8];
                            for (int i = 0; i < values.length; i++) {
                                values[i] = packed.fixedDouble();
                            }
                            contiguous = concat(contiguous, values);
                        } else {
                            contiguous = concat(contiguous, new double[] {fixedDouble()});
                        }
                    }
                    case 3 -> contiguousOffset = zigzag(varint());
                    default -> skip(tag & 7);
                }
            }
            for (int i = 0; i < contiguous.length; i++) {
                if (contiguous[i] > 0) {
                    store.add(contiguousOffset + i, contiguous[i]);
                }
            }
        }

        private static double[] concat(double[] first, double[] second) {
            double[] result = new double[first.length + second.length];
            System.arraycopy(first, 0, result, 0, first.length);
            System.arraycopy(second, 0, result, first.length, second.length);
            return result;
        }

        private static int zigzag(long value) {
            int n = (int) value;
            return (n >>> 1) ^ -(n & 1);
        }

        private long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        private double fixedDouble() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (long) (next() & 0xFF) << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        private ProtobufSketchReader embedded() {
            int length = (int) varint();
            if (length < 0 || position + length > limit) {
                throw new IllegalArgumentException("truncated message");
            }
            ProtobufSketchReader reader = new ProtobufSketchReader(bytes, position, position + length);
            position += length;
            return reader;
        }

        private void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance((int) varint());
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }

        private void advance(int count) {
            if (count < 0 || position + count > limit) {
                throw new IllegalArgumentException("truncated message");
            }
            position += count;
        }

        private byte next() {
            if (position >= limit) {
                throw new IllegalArgumentException("truncated message");
            }
            return bytes[position++];
        }
    }
}
