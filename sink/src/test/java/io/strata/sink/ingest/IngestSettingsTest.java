package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

    private static StrataConfig config(Map<String, String> overrides) {
        return StrataConfig.builder()
                .defaults(IngestSettings.DEFAULTS_RESOURCE)
                .environment(Map.of())
                .overrides(overrides)
                .build();
    }

    @Test
    void shouldDefaultTheMaxAgeToTheRawRetention() {
        IngestSettings settings =
                IngestSettings.from(config(Map.of("kafka.bootstrap.servers", "localhost:9092", "retention.raw", "7d")));

        assertThat(settings.validation().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.validation().maxFuture()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.validation().hourlyMaxAge()).isEqualTo(Duration.ofDays(365));
        assertThat(settings.groupId()).isEqualTo("strata-sink");
        assertThat(settings.deadLetterTopic()).isEqualTo("strata.deadletter");
        assertThat(settings.kafkaClientProperties()).containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void shouldTakeAnExplicitMaxAge() {
        IngestSettings settings = IngestSettings.from(
                config(Map.of("kafka.bootstrap.servers", "localhost:9092", "sink.validation.max-age", "2d")));

        assertThat(settings.validation().maxAge()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void shouldRejectANonPositiveLabelBoundNamingTheKey() {
        assertThatThrownBy(() -> IngestSettings.from(
                        config(Map.of("kafka.bootstrap.servers", "localhost:9092", "sink.validation.max-labels", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.validation.max-labels");
    }
}
