package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryPhaseTest {

    @Test
    void shouldTakeTheMedian() {
        assertThat(SummaryPhase.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(SummaryPhase.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void shouldMatchRowsInAnyOrderWithNumbersOfDifferentTypes() {
        List<Object> a = List.of("n1", "cpu", "load", 1.5, 1.0, 2.0, "u", 12L, 1L);
        List<Object> b = List.of("n2", "cpu", "load", 2.5, 2.0, 3.0, "u", 12L, 2L);
        List<Object> aAsDecimal = List.of("n1", "cpu", "load", new BigDecimal("1.5"), 1.0, 2.0, "u", 12, 1L);

        assertThat(SummaryPhase.sameRows(List.of(a, b), List.of(b, aAsDecimal))).isTrue();
    }

    @Test
    void shouldNotMatchDifferentCountsOrValues() {
        List<Object> a = List.of("n1", "cpu", "load", 1.5, 1.0, 2.0, "u", 12L, 1L);
        List<Object> fewer = List.of("n1", "cpu", "load", 1.5, 1.0, 2.0, "u", 11L, 1L);

        assertThat(SummaryPhase.sameRows(List.of(a), List.of(fewer))).isFalse();
        assertThat(SummaryPhase.sameRows(List.of(a), List.of())).isFalse();
    }
}
