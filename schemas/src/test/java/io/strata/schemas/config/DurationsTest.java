package io.strata.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldFormatInLargestExactUnit() {
        assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(Durations.format(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(Durations.format(Duration.ofMinutes(70))).isEqualTo("70m");
        assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofDays(-5))).isEqualTo("PT-120H");
    }

    @Test
    void shouldRoundTripFormattedDurations() {
        for (Duration duration : new Duration[] {
            Duration.ofDays(1826), Duration.ofMinutes(10), Duration.ofHours(2), Duration.ofMillis(250)
        }) {
            assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
        }
    }

    @Test
    void shouldAcceptZeroAndLeavePositivityToCallers() {
        assertThat(Durations.parse("0s")).isZero();
    }

    @Test
    void shouldRejectTextThatIsNoDuration() {
        assertThatThrownBy(() -> Durations.parse("soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> Durations.parse("P1X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("P1X");
    }
}
