package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultTableTest {

    @Test
    void shouldAlignColumnsAndShowRatiosAndGoals() {
        String table = new ResultTable()
                .row("sink", 240_000.4, "samples/s", 0.5, ">= 0.8x COPY", false)
                .row("latency p99", 12.345, "ms", null, "<= 1,000", true)
                .text("lag", "1/2 3/4", "records")
                .render();

        String[] lines = table.split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("measurement").contains("value").contains("met");
        assertThat(lines[1]).matches("-+");
        assertThat(lines[2]).contains("240,000").contains("0.50x").endsWith("NO");
        assertThat(lines[3]).contains("12.35").endsWith("yes");
        assertThat(lines[4]).contains("1/2 3/4");
        // The value column is right-aligned: every value ends in the same column.
        int end = lines[2].indexOf("240,000") + "240,000".length();
        assertThat(lines[3].indexOf("12.35") + "12.35".length()).isEqualTo(end);
    }

    @Test
    void shouldShowMissingFiguresAsNotAvailable() {
        assertThat(ResultTable.formatValue(Double.NaN)).isEqualTo("n/a");
        assertThat(ResultTable.formatValue(99.5)).isEqualTo("99.50");
    }
}
