package io.strata.streams.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import io.strata.schemas.sketch.SketchProtobuf;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        return SketchProtobuf.encode(Objects.requireNonNull(sketch, "sketch"));
    }

    /**
     * Reads the protobuf form of {@link #toProtobuf(DDSketch)}.
     *
     * @throws IllegalArgumentException if the bytes are not such a message
     */
    public static DDSketch fromProtobuf(byte[] bytes) {
        return SketchProtobuf.decode(Objects.requireNonNull(bytes, "bytes"));
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
}
