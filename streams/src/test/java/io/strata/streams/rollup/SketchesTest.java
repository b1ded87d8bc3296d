package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SketchesTest {

    @Test
    void shouldReadBackTheProtobufFormWithoutProtobufJava() {
        DDSketch sketch = Sketches.create(0.01);
        Random random = new Random(1);
        for (int i = 0; i < 5_000; i++) {
            sketch.accept(random.nextGaussian() * 100); // negatives, positives, maybe zeros
        }
        sketch.accept(0.0);

        DDSketch copy = Sketches.fromProtobuf(Sketches.toProtobuf(sketch));

        assertThat(copy.getCount()).isEqualTo(sketch.getCount());
        for (double quantile : new double[] {0, 0.01, 0.25, 0.5, 0.75, 0.95, 0.99, 1}) {
            assertThat(copy.getValueAtQuantile(quantile)).isEqualTo(sketch.getValueAtQuantile(quantile));
        }
        assertThat(Sketches.toProtobuf(copy)).isEqualTo(Sketches.toProtobuf(sketch));
    }

    @Test
    void shouldMergeToTheSketchOfTheUnion() {
        DDSketch all = Sketches.create(0.02);
        DDSketch left = Sketches.create(0.02);
        DDSketch right = Sketches.create(0.02);
        Random random = new Random(2);
        for (int i = 0; i < 2_000; i++) {
            double value = Math.exp(random.nextDouble() * 20);
            all.accept(value);
            (i % 3 == 0 ? left : right).accept(value);
        }
        DDSketch merged = Sketches.fromProtobuf(Sketches.toProtobuf(left));
        merged.mergeWith(Sketches.fromProtobuf(Sketches.toProtobuf(right)));

        assertThat(Sketches.toProtobuf(merged)).isEqualTo(Sketches.toProtobuf(all));
    }

    @Test
    void shouldKeepQuantilesWithinTheRelativeAccuracy() {
        double accuracy = 0.01;
        DDSketch sketch = Sketches.create(accuracy);
        double[] values = new Random(5).doubles(10_001, 1, 1e6).toArray();
        Arrays.stream(values).forEach(sketch::accept);
        Arrays.sort(values);
        for (double quantile : new double[] {0.5, 0.95, 0.99}) {
            double exact = values[(int) (quantile * (values.length - 1))];
            assertThat(sketch.getValueAtQuantile(quantile)).isBetween(exact * (1 - accuracy), exact * (1 + accuracy));
        }
    }

    @Test
    void shouldRejectBytesThatAreNoSketch() {
        assertThatThrownBy(() -> Sketches.fromProtobuf(new byte[] {(byte) 0x0A, 0x7F}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sketches.create(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sketches.create(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
