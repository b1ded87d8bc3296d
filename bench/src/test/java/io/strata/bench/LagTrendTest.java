package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LagTrendTest {

    @Test
    void shouldPickThePointsNearestToEachQuarter() {
        LagTrend lag = new LagTrend();
        for (int s = 0; s <= 100; s += 10) {
            lag.add(s, s, 2L * s);
        }
        List<LagTrend.Point> quarters = lag.quarters(100);

        assertThat(quarters).extracting(LagTrend.Point::streams).containsExactly(20L, 50L, 70L, 100L);
        assertThat(lag.max().sink()).isEqualTo(200);
    }

    @Test
    void shouldCallLagStableWhenItEndsWithinTwoSecondsOfInputAboveItsFirstQuarter() {
        LagTrend steady = new LagTrend();
        steady.add(1, 900, 300);
        steady.add(2, 100, 100);
        steady.add(3, 800, 200);
        steady.add(4, 1800, 250);
        assertThat(PipelineBenchmark.lagStable(steady, 4, 500)).isTrue();

        LagTrend growing = new LagTrend();
        growing.add(1, 100, 0);
        growing.add(2, 2000, 0);
        growing.add(3, 4000, 0);
        growing.add(4, 6000, 0);
        assertThat(PipelineBenchmark.lagStable(growing, 4, 500)).isFalse();
    }

    @Test
    void shouldNotCallAnUnsampledLagStable() {
        assertThat(PipelineBenchmark.lagStable(new LagTrend(), 10, 500)).isFalse();
    }
}
