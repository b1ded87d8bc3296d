package io.strata.sink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkSettingsTest {

    @Test
    void shouldRefreshThePerformanceSummaryEveryFiveMinutesByDefault() {
        assertThat(settings(Map.of()).summaryRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldTurnTheScheduledSummaryRefreshOffWithZero() {
        assertThat(settings(Map.of(SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY, "0s"))
                        .summaryRefreshInterval())
                .isZero();
        assertThat(settings(Map.of(SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY, "30s"))
                        .summaryRefreshInterval())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldRejectANegativeSummaryRefreshIntervalNamingTheKey() {
        assertThatThrownBy(() -> settings(Map.of(SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY, "-5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY)
                .hasMessageContaining("-5s");
    }

    private static SinkSettings settings(Map<String, String> values) {
        Map<String, String> overrides = new HashMap<>(values);
        overrides.put("db.url", "jdbc:postgresql://localhost/strata");
        return SinkSettings.from(StrataConfig.builder()
                .defaults(SinkSettings.DEFAULTS_RESOURCE)
                .environment(Map.of())
                .overrides(overrides)
                .build());
    }
}
