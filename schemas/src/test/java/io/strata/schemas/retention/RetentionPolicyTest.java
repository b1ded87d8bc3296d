package io.strata.schemas.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static RetentionPolicy load(String... keysAndValues) {
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            overrides.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return RetentionPolicy.from(StrataConfig.of(overrides));
    }

    @Test
    void shouldDefaultToArchitectureValues() {
        RetentionPolicy policy = RetentionPolicy.defaults();

        assertThat(policy.raw()).isEqualTo(Duration.ofDays(30));
        assertThat(policy.hourly()).isEqualTo(Duration.ofDays(365));
        assertThat(policy.daily()).isEqualTo(Duration.ofDays(1826));
        assertThat(policy.changes()).isEqualTo(RetentionPeriod.FOREVER);
        assertThat(policy.changes().retentionMs()).isEqualTo(-1L);
        assertThat(policy.deadLetter()).isEqualTo(Duration.ofDays(30));
        assertThat(policy.automatedSnapshotsKept()).isEqualTo(10);
        assertThat(policy.hourlyGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.dailyGrace()).isEqualTo(Duration.ofHours(2));
        assertThat(policy.toString()).contains("raw=30d", "changes=forever", "dailyGrace=2h");
    }

    @Test
    void shouldReadEveryKeyFromConfig() {
        RetentionPolicy policy = load(
                "retention.raw", "7d",
                "retention.hourly", "90d",
                "retention.daily", "3650d",
                "retention.changes", "400d",
                "retention.deadletter", "14d",
                "retention.snapshots.automated-keep", "3",
                "rollup.hourly.grace", "5m",
                "rollup.daily.grace", "1h");

        assertThat(policy)
                .isEqualTo(new RetentionPolicy(
                        Duration.ofDays(7),
                        Duration.ofDays(90),
                        Duration.ofDays(3650),
                        RetentionPeriod.of(Duration.ofDays(400)),
                        Duration.ofDays(14),
                        3,
                        Duration.ofMinutes(5),
                        Duration.ofHours(1)));
        assertThat(policy.changes().retentionMs())
                .isEqualTo(Duration.ofDays(400).toMillis());
    }

    @Test
    void shouldAcceptForeverInAnyCase() {
        assertThat(load("retention.changes", "Forever").changes().isForever()).isTrue();
    }

    @Test
    void shouldRejectNegativeRetention() {
        assertThatThrownBy(() -> load("retention.raw", "-5d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.raw: invalid duration '-5d'"
                        + " (expected a positive duration like 30d, 12h, 10m, 10s or 500ms)");
    }

    @Test
    void shouldAcceptZeroGraceButRejectNegativeGrace() {
        assertThat(load("rollup.daily.grace", "0s").dailyGrace()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> load("rollup.daily.grace", "-1m"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rollup.daily.grace: invalid duration '-1m'");
    }

    @Test
    void shouldRejectNonPositiveDurationsGivenInCode() {
        RetentionPolicy defaults = RetentionPolicy.defaults();

        assertThatThrownBy(() -> new RetentionPolicy(
                        defaults.raw(),
                        defaults.hourly(),
                        defaults.daily(),
                        defaults.changes(),
                        Duration.ZERO,
                        1,
                        defaults.hourlyGrace(),
                        defaults.dailyGrace()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.deadletter: invalid duration '0s' (expected a positive duration like 30d, 12h,"
                        + " 10m)");
    }

    @Test
    void shouldRejectBadChangesRetention() {
        assertThatThrownBy(() -> load("retention.changes", "never"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.changes: invalid value 'never'"
                        + " (expected 'forever' or a positive duration like 30d, 12h, 10m)");
        assertThatThrownBy(() -> load("retention.changes", "0d"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("retention.changes: invalid value '0d'");
    }

    @Test
    void shouldRejectRawRetentionNotLongerThanHourlyWindowPlusGrace() {
        assertThatThrownBy(() -> load("retention.raw", "70m"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.raw: 70m is too short (expected more than 70m, the hourly window 1h plus"
                        + " rollup.hourly.grace 10m, so that data outlives the bucket it rolls up into)");
        assertThat(load("retention.raw", "71m").raw()).isEqualTo(Duration.ofMinutes(71));
    }

    @Test
    void shouldCountHourlyGraceInRawMinimum() {
        assertThatThrownBy(() -> load("retention.raw", "2h", "rollup.hourly.grace", "1h"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("retention.raw: 2h is too short (expected more than 2h");
    }

    @Test
    void shouldRejectHourlyRetentionNotLongerThanDailyWindowPlusGrace() {
        assertThatThrownBy(() -> load("retention.raw", "2h", "retention.hourly", "1d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.hourly: 1d is too short (expected more than 26h, the daily window 1d plus"
                        + " rollup.daily.grace 2h, so that data outlives the bucket it rolls up into)");
    }

    @Test
    void shouldRejectHourlyTierShorterThanRaw() {
        assertThatThrownBy(() -> load("retention.hourly", "10d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.hourly: 10d is shorter than retention.raw 30d (expected at least 30d: a coarser"
                        + " tier must outlive the finer tier it summarises)");
    }

    @Test
    void shouldRejectDailyTierShorterThanHourly() {
        assertThatThrownBy(() -> load("retention.daily", "100d"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("retention.daily: 100d is shorter than retention.hourly 365d");
    }

    @Test
    void shouldAcceptEqualTiers() {
        RetentionPolicy policy = load("retention.raw", "30d", "retention.hourly", "30d", "retention.daily", "30d");

        assertThat(policy.daily()).isEqualTo(policy.raw());
    }

    @Test
    void shouldRejectKeepingNoAutomatedSnapshot() {
        assertThatThrownBy(() -> load("retention.snapshots.automated-keep", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.snapshots.automated-keep: invalid value '0' (expected an integer >= 1)");
        assertThatThrownBy(() -> load("retention.snapshots.automated-keep", "ten"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retention.snapshots.automated-keep: invalid integer 'ten' (expected an integer)");
    }

    @Test
    void shouldReportEveryBrokenRuleAtOnce() {
        assertThatThrownBy(() -> load("retention.hourly", "10d", "retention.snapshots.automated-keep", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid retention policy: retention.hourly: 10d is shorter")
                .hasMessageContaining("; retention.snapshots.automated-keep: invalid value '0'");
    }

    @Test
    void shouldRejectRetentionPeriodThatIsNotPositive() {
        assertThatThrownBy(() -> RetentionPeriod.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RetentionPeriod.of(Duration.ofDays(2)).toString()).isEqualTo("2d");
        assertThat(RetentionPeriod.FOREVER.duration()).isEmpty();
    }
}
