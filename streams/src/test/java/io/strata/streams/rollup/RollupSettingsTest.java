package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.schemas.validate.SeriesBounds;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupSettingsTest {

    @Test
    void shouldDefaultToTheCatalogTopicsAndOnePercentAccuracy() {
        RollupSettings settings = RollupSettings.from(StrataConfig.defaults());

        assertThat(settings.rawTopic()).isEqualTo(TopicCatalog.METRICS_RAW);
        assertThat(settings.hourlyTopic()).isEqualTo(TopicCatalog.METRICS_HOURLY);
        assertThat(settings.dailyTopic()).isEqualTo(TopicCatalog.METRICS_DAILY);
        assertThat(settings.deadLetterTopic()).isEqualTo(TopicCatalog.DEADLETTER);
        assertThat(settings.relativeAccuracy()).isEqualTo(0.01);
        assertThat(settings.retention()).isEqualTo(RetentionPolicy.defaults());
        assertThat(settings.maxFutureSkew()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.seriesBounds()).isEqualTo(new SeriesBounds(32, 128, 1024, 256));
    }

    @Test
    void shouldReadTheSeriesBoundsFromTheStreamsDefaultsAndKeys() {
        StrataConfig config = StrataConfig.builder()
                .defaults("io/strata/streams/streams-defaults.properties")
                .environment(Map.of())
                .overrides(Map.of(
                        "streams.validation.max-labels", "8",
                        "streams.validation.max-label-key-length", "16",
                        "streams.validation.max-label-value-length", "64",
                        "streams.validation.max-name-length", "32"))
                .build();

        assertThat(RollupSettings.from(config).seriesBounds()).isEqualTo(new SeriesBounds(8, 16, 64, 32));
        assertThat(RollupSettings.from(StrataConfig.builder()
                                .defaults("io/strata/streams/streams-defaults.properties")
                                .environment(Map.of())
                                .build())
                        .seriesBounds())
                .isEqualTo(SeriesBounds.defaults());
    }

    @Test
    void shouldRejectANonPositiveSeriesBoundNamingTheKey() {
        assertThatThrownBy(() ->
                        RollupSettings.from(StrataConfig.of(Map.of("streams.validation.max-label-value-length", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streams.validation.max-label-value-length");
        assertThatThrownBy(() -> RollupSettings.from(StrataConfig.of(Map.of("streams.validation.max-labels", "many"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streams.validation.max-labels");
    }

    @Test
    void shouldReadTheRollupKeys() {
        RollupSettings settings = RollupSettings.from(StrataConfig.of(Map.of(
                RollupSettings.RELATIVE_ACCURACY_KEY, "0.005",
                RollupSettings.PUNCTUATE_INTERVAL_KEY, "30s",
                RollupSettings.MAX_FUTURE_SKEW_KEY, "0s",
                RetentionPolicy.HOURLY_GRACE_KEY, "5m")));

        assertThat(settings.relativeAccuracy()).isEqualTo(0.005);
        assertThat(settings.punctuateInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxFutureSkew()).isZero();
        assertThat(settings.retention().hourlyGrace()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        assertThatThrownBy(() -> RollupSettings.from(
                        StrataConfig.of(Map.of(RollupSettings.RELATIVE_ACCURACY_KEY, "one percent"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RollupSettings.RELATIVE_ACCURACY_KEY);
        assertThatThrownBy(
                        () -> RollupSettings.from(StrataConfig.of(Map.of(RollupSettings.RELATIVE_ACCURACY_KEY, "0"))))
                .hasMessageContaining(RollupSettings.RELATIVE_ACCURACY_KEY);
        assertThatThrownBy(
                        () -> RollupSettings.from(StrataConfig.of(Map.of(RollupSettings.PUNCTUATE_INTERVAL_KEY, "0s"))))
                .hasMessageContaining(RollupSettings.PUNCTUATE_INTERVAL_KEY);
    }
}
