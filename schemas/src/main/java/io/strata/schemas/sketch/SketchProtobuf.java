package io.strata.schemas.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LinearlyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.mapping.QuadraticallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a DDSketch in the protobuf encoding that {@code DDSketch.serialize()} writes (the {@code DDSketch} message
 * of DataDog's {@code ddsketch.proto}): mapping (gamma, index offset, interpolation), positive and negative stores
 * (sparse {@code binCounts} map and contiguous counts) and the zero count.
 *
 * <p>Stores are bounded ({@link #MAX_BINS} bins, collapsing the lowest), so a hostile record cannot make the
 * reader allocate without limit. Decoded here rather than with {@code DDSketchProtoBinding}, whose generated classes need protobuf-java 3.x at
 * run time; the wire format is small and stable.
 */
public final class SketchProtobuf {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    /** Most bins a decoded store keeps: enough for any sketch Strata writes, and a bound on what a bad record costs. */
    public static final int MAX_BINS = 2048;

    private SketchProtobuf() {}

    /** The bytes {@code MetricRollup.sketch} carries: {@code DDSketch.serialize()}. */
    public static byte[] encode(DDSketch sketch) {
        ByteBuffer buffer = sketch.serialize();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * The sketch in {@code bytes}.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed sketch
     */
    public static DDSketch decode(byte[] bytes) {
        try {
            Reader reader = new Reader(ByteBuffer.wrap(bytes));
            double gamma = Double.NaN;
            double indexOffset = 0;
            int interpolation = 0;
            Store positive = new CollapsingLowestDenseStore(MAX_BINS);
            Store negative = new CollapsingLowestDenseStore(MAX_BINS);
            double zeroCount = 0;
            while (reader.hasMore()) {
                int tag = reader.varint32();
                int field = tag >>> 3;
                int wireType = tag & 7;
                if (field == 1 && wireType == LENGTH_DELIMITED) {
                    Reader mapping = reader.message();
                    while (mapping.hasMore()) {
                        int mappingTag = mapping.varint32();
                        switch (mappingTag) {
                            case (1 << 3) | FIXED64 -> gamma = mapping.fixedDouble();
                            case (2 << 3) | FIXED64 -> indexOffset = mapping.fixedDouble();
                            case (3 << 3) | VARINT -> interpolation = mapping.varint32();
                            default -> mapping.skip(mappingTag & 7);
                        }
                    }
                } else if (field == 2 && wireType == LENGTH_DELIMITED) {
                    readStore(reader.message(), positive);
                } else if (field == 3 && wireType == LENGTH_DELIMITED) {
                    readStore(reader.message(), negative);
                } else if (field == 4 && wireType == FIXED64) {
                    zeroCount = reader.fixedDouble();
                } else {
                    reader.skip(wireType);
                }
            }
            if (!(gamma > 1) || !Double.isFinite(gamma)) {
                throw new IllegalArgumentException("Sketch has no valid index mapping (gamma " + gamma + ")");
            }
            return DDSketch.of(mapping(gamma, indexOffset, interpolation), negative, positive, zeroCount);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("Malformed sketch: " + e, e);
        }
    }

    private static IndexMapping mapping(double gamma, double indexOffset, int interpolation) {
        return switch (interpolation) {
            case 0 -> new LogarithmicMapping(gamma, indexOffset);
            case 1 -> new LinearlyInterpolatedMapping(gamma, indexOffset);
            case 2 -> new QuadraticallyInterpolatedMapping(gamma, indexOffset);
            case 3 -> new CubicallyInterpolatedMapping(gamma, indexOffset);
            default -> throw new IllegalArgumentException("Unknown sketch interpolation " + interpolation);
        };
    }

    private static void readStore(Reader store, Store target) {
        java.util.List<Double> contiguous = new java.util.ArrayList<>();
        int contiguousOffset = 0;
        while (store.hasMore()) {
            int tag = store.varint32();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (field == 1 && wireType == LENGTH_DELIMITED) {
                Reader entry = store.message();
                int index = 0;
                double count = 0;
                while (entry.hasMore()) {
                    int entryTag = entry.varint32();
                    switch (entryTag) {
                        case (1 << 3) | VARINT -> index = zigZag(entry.varint32());
                        case (2 << 3) | FIXED64 -> count = entry.fixedDouble();
                        default -> entry.skip(entryTag & 7);
                    }
                }
                addCount(target, index, count);
            } else if (field == 2 && wireType == LENGTH_DELIMITED) {
                Reader packed = store.message();
                while (packed.hasMore()) {
                    contiguous.add(packed.fixedDouble());
                }
            } else if (field == 2 && wireType == FIXED64) {
                contiguous.add(store.fixedDouble());
            } else if (field == 3 && wireType == VARINT) {
                contiguousOffset = zigZag(store.varint32());
            } else {
                store.skip(wireType);
            }
        }
        for (int i = 0; i < contiguous.size(); i++) {
            addCount(target, contiguousOffset + i, contiguous.get(i));
        }
    }

    private static void addCount(Store target, int index, double count) {
        if (!Double.isFinite(count) || count < 0) {
            throw new IllegalArgumentException("Sketch bin " + index + " has count " + count);
        }
        if (count > 0) {
            target.add(index, count);
        }
    }

    private static int zigZag(int value) {
        return (value >>> 1) ^ -(value & 1);
    }

    /** Cursor over protobuf bytes. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean hasMore() {
            return buffer.hasRemaining();
        }

        long varint64() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buffer.get();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("Malformed varint");
        }

        int varint32() {
            return (int) varint64();
        }

        double fixedDouble() {
            return buffer.getDouble();
        }

        Reader message() {
            int length = varint32();
            if (length < 0 || length > buffer.remaining()) {
                throw new IllegalArgumentException("Length " + length + " exceeds the remaining bytes");
            }
            ByteBuffer slice = buffer.slice();
            slice.limit(length);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        void skip(int wireType) {
            switch (wireType) {
                case VARINT -> varint64();
                case FIXED64 -> buffer.position(buffer.position() + 8);
                case LENGTH_DELIMITED -> message();
                case FIXED32 -> buffer.position(buffer.position() + 4);
                default -> throw new IllegalArgumentException("Unsupported wire type " + wireType);
            }
        }
    }
}
