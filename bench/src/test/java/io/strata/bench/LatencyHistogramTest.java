package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void shouldWeighPercentilesBySamplesNotByPolls() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(10, 98);
        histogram.add(500, 1);
        histogram.add(2000, 1);

        assertThat(histogram.count()).isEqualTo(100);
        assertThat(histogram.percentile(50)).isEqualTo(10);
        assertThat(histogram.percentile(98)).isEqualTo(10);
        assertThat(histogram.percentile(99)).isEqualTo(500);
        assertThat(histogram.percentile(100)).isEqualTo(2000);
        assertThat(histogram.max()).isEqualTo(2000);
    }

    @Test
    void shouldUseTheNearestRank() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 10; ms++) {
            histogram.add(ms, 1);
        }
        assertThat(histogram.percentile(50)).isEqualTo(5);
        assertThat(histogram.percentile(51)).isEqualTo(6);
        assertThat(histogram.percentile(99)).isEqualTo(10);
    }

    @Test
    void shouldReportMinusOneWhenEmpty() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(5, 0);
        assertThat(histogram.count()).isZero();
        assertThat(histogram.percentile(99)).isEqualTo(-1);
        assertThat(histogram.max()).isEqualTo(-1);
    }

    @Test
    void shouldCountANegativeLatencyAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(-3, 2);
        assertThat(histogram.percentile(50)).isZero();
    }

    @Test
    void shouldRejectPercentOutsideRange() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertThatThrownBy(() -> histogram.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> histogram.percentile(100.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> histogram.add(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
