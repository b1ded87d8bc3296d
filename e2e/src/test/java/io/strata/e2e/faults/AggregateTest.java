package io.strata.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AggregateTest {

    @Test
    void shouldCountADropOfACounterAsAResetFromZero() {
        Aggregate counter = new Aggregate(true);
        for (double value : new double[] {10, 15, 3, 8}) {
            counter.add(value);
        }

        assertThat(counter.figures()).isEqualTo(new Aggregate.Figures(4, 36, 3, 15, 10.0, 8.0, 13.0));
    }

    @Test
    void shouldHaveNoIncreaseForAGauge() {
        Aggregate gauge = new Aggregate(false);
        gauge.add(2.25);
        gauge.add(1.5);

        assertThat(gauge.figures()).isEqualTo(new Aggregate.Figures(2, 3.75, 1.5, 2.25, 2.25, 1.5, null));
        assertThat(gauge.figures().basic()).isEqualTo(new Aggregate.Figures(2, 3.75, 1.5, 2.25, null, null, null));
    }
}
