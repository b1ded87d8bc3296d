package io.strata.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static final Instant FROM = Instant.parse("2026-11-01T18:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-03T00:00:00Z");
    private final SimulatedFleet fleet = SimulatedFleet.of(3, 2, 4, Duration.ofMinutes(5));
    private final History history = new History(fleet, FROM);

    @Test
    void shouldRecomputeEveryRawSampleOfEverySeries() {
        Map<String, Aggregate.Figures> raw = history.raw(TO);

        assertThat(raw).hasSize(2 * 4);
        String key = History.seriesKey(fleet.nodeId(1), "memory", "used_percent", Map.of("pool", "p0"));
        double sum = 0;
        for (Instant at = FROM; at.isBefore(TO); at = at.plus(fleet.interval())) {
            sum += fleet.value(1, 1, at);
        }
        assertThat(raw.get(key).count()).isEqualTo(fleet.tickCount(FROM, TO));
        assertThat(raw.get(key).sum()).isEqualTo(sum);
    }

    @Test
    void shouldSplitTheHistoryIntoHoursAndDaysThatAddUpToTheRawFigures() {
        Map<String, Aggregate.Figures> raw = history.raw(TO);
        Map<String, Aggregate.Figures> hourly = history.rollups(TO, History.HOUR_MS);
        Map<String, Aggregate.Figures> daily = history.rollups(TO, History.DAY_MS);

        assertThat(hourly).hasSize(2 * 4 * 30);
        // 6 hours of the first day, then a whole day.
        assertThat(daily).hasSize(2 * 4 * 2);
        String key = History.seriesKey(fleet.nodeId(0), "disk", "read_bytes", Map.of("device", "d0"));
        assertThat(daily.get(key + "@2026-11-01T00:00:00Z").count()).isEqualTo(6 * 12);
        assertThat(daily.get(key + "@2026-11-02T00:00:00Z").count()).isEqualTo(24 * 12);
        assertThat(daily.get(key + "@2026-11-02T00:00:00Z").increase())
                .isNotNull()
                .isPositive();
        double hourlySum = hourly.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith(key + "@"))
                .mapToDouble(entry -> entry.getValue().sum())
                .sum();
        assertThat(hourlySum).isEqualTo(raw.get(key).sum());
        assertThat(hourly.get(key + "@2026-11-02T23:00:00Z").count()).isEqualTo(12);
    }
}
