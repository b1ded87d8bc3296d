package io.strata.sink.db;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The time-partitioned tables, their period (UTC) and how far ahead maintenance creates partitions: raw samples by
 * day (7 days ahead), hourly rollups by month (3 months ahead), daily rollups by year (2 years ahead).
 */
public enum PartitionedTable {
    /** {@code metric_samples}, partitioned by day on {@code measured_at}. */
    METRIC_SAMPLES("metric_samples", ChronoUnit.DAYS, 7),
    /** {@code rollups_hourly}, partitioned by month on {@code bucket_start}. */
    ROLLUPS_HOURLY("rollups_hourly", ChronoUnit.MONTHS, 3),
    /** {@code rollups_daily}, partitioned by year on {@code bucket_start}. */
    ROLLUPS_DAILY("rollups_daily", ChronoUnit.YEARS, 2);

    private final String tableName;
    private final ChronoUnit period;
    private final int periodsAhead;

    PartitionedTable(String tableName, ChronoUnit period, int periodsAhead) {
        this.tableName = tableName;
        this.period = period;
        this.periodsAhead = periodsAhead;
    }

    /** The parent table's name. */
    public String tableName() {
        return tableName;
    }

    /** The length of one partition. */
    public ChronoUnit period() {
        return period;
    }

    /** The end of the window maintenance keeps partitioned ahead of {@code now}. */
    public Instant aheadOf(Instant now) {
        return ZonedDateTime.ofInstant(now, ZoneOffset.UTC)
                .plus(periodsAhead, period)
                .toInstant();
    }

    /** The start (UTC) of the partition holding {@code at}. */
    public Instant periodStart(Instant at) {
        ZonedDateTime t = ZonedDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return switch (period) {
            case DAYS -> t.toInstant();
            case MONTHS -> t.withDayOfMonth(1).toInstant();
            case YEARS -> t.withDayOfYear(1).toInstant();
            default -> throw new IllegalStateException("unexpected period " + period);
        };
    }

    /** The start of the partition after the one starting at {@code periodStart}. */
    Instant nextPeriod(Instant periodStart) {
        return ZonedDateTime.ofInstant(periodStart, ZoneOffset.UTC)
                .plus(1, period)
                .toInstant();
    }
}
