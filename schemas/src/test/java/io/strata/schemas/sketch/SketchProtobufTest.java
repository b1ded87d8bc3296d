package io.strata.schemas.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SketchProtobufTest {

    static Stream<DDSketch> sketches() {
        return Stream.of(
                DDSketch.balanced(0.01),
                DDSketch.memoryOptimal(0.01),
                DDSketch.fast(0.02),
                DDSketch.balancedCollapsingLowest(0.01, 512));
    }

    @ParameterizedTest
    @MethodSource("sketches")
    void shouldReadTheQuantilesThatTheSerializedSketchHad(DDSketch sketch) {
        for (int i = -200; i <= 1000; i++) {
            sketch.accept(i * 0.75);
        }
        sketch.accept(0.0);

        DDSketch decoded = SketchProtobuf.decode(bytes(sketch.serialize()));

        assertThat(decoded.getCount()).isEqualTo(sketch.getCount());
        for (double quantile : new double[] {0, 0.01, 0.25, 0.5, 0.95, 0.99, 1}) {
            // The bitwise mapping of fast() is serialized as its linear equivalent: equal up to rounding.
            double expected = sketch.getValueAtQuantile(quantile);
            assertThat(decoded.getValueAtQuantile(quantile))
                    .as("quantile %s", quantile)
                    .isCloseTo(expected, within(Math.abs(expected) * 1e-9 + 1e-12));
        }
    }

    @Test
    void shouldDecodeAnEmptySketch() {
        DDSketch decoded = SketchProtobuf.decode(bytes(DDSketch.balanced(0.01).serialize()));

        assertThat(decoded.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectBytesThatAreNoSketch() {
        assertThatThrownBy(() -> SketchProtobuf.decode(new byte[] {0x0a, 0x7f, 0x01}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SketchProtobuf.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapping");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
