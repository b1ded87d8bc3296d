package io.strata.sink.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionedTableTest {
    private static final Instant AT = Instant.parse("2026-11-22T23:59:59Z");

    @Test
    void shouldStartPeriodsAtUtcDayMonthAndYearBoundaries() {
        assertThat(PartitionedTable.METRIC_SAMPLES.periodStart(AT)).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(PartitionedTable.ROLLUPS_HOURLY.periodStart(AT)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(PartitionedTable.ROLLUPS_DAILY.periodStart(AT)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void shouldLookSevenDaysThreeMonthsAndTwoYearsAhead() {
        assertThat(PartitionedTable.METRIC_SAMPLES.aheadOf(AT)).isEqualTo(Instant.parse("2026-11-29T23:59:59Z"));
        assertThat(PartitionedTable.ROLLUPS_HOURLY.aheadOf(AT)).isEqualTo(Instant.parse("2027-02-22T23:59:59Z"));
        assertThat(PartitionedTable.ROLLUPS_DAILY.aheadOf(AT)).isEqualTo(Instant.parse("2028-11-22T23:59:59Z"));
    }

    @Test
    void shouldStepToTheNextPeriodAcrossMonthAndYearEnds() {
        assertThat(PartitionedTable.METRIC_SAMPLES.nextPeriod(Instant.parse("2026-12-31T00:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(PartitionedTable.ROLLUPS_HOURLY.nextPeriod(Instant.parse("2026-12-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(PartitionedTable.ROLLUPS_DAILY.tableName()).isEqualTo("rollups_daily");
    }
}
