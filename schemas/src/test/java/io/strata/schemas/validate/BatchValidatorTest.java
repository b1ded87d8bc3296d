package io.strata.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final Instant OLDEST = NOW.minusSeconds(3600);
    private static final Instant NEWEST = NOW.plusSeconds(3600);
    private final BatchValidator validator = new BatchValidator(SeriesBounds.defaults());

    private static MetricSample.Builder sample() {
        return MetricSample.newBuilder()
                .setCategory("cpu")
                .setName("load")
                .setLabels(Map.of("core", "0"))
                .setValue(0.5)
                .setUnit(null)
                .setKind(MetricKind.GAUGE)
                .setTimestamp(NOW);
    }

    private static MetricBatch.Builder batch(MetricSample.Builder... samples) {
        return MetricBatch.newBuilder()
                .setNodeId("n1")
                .setNodeName("n1.example")
                .setCollectedAt(NOW)
                .setSequence(1)
                .setIntervalMs(null)
                .setSamples(java.util.Arrays.stream(samples)
                        .map(MetricSample.Builder::build)
                        .toList());
    }

    private Optional<String> reason(MetricBatch.Builder batch) {
        return validator.validate(batch.build(), OLDEST, NEWEST).map(Violation::reason);
    }

    @Test
    void shouldJudgeASampleInTheMillisecondOfAFractionalOldestBoundAsTooOld() {
        Instant oldest = OLDEST.plusNanos(500_000);
        MetricBatch batch = batch(sample().setTimestamp(OLDEST)).build();
        assertThat(validator.validate(batch, oldest, NEWEST).map(Violation::reason))
                .contains(InvalidReasons.TIMESTAMP_TOO_OLD);
        assertThat(validator.validate(
                        batch(sample().setTimestamp(OLDEST.plusMillis(1))).build(), oldest, NEWEST))
                .isEmpty();
    }

    @Test
    void shouldKeepTheSinksDefaultBounds() {
        assertThat(SeriesBounds.defaults()).isEqualTo(new SeriesBounds(32, 128, 1024, 256));
    }

    @Test
    void shouldAcceptAValidBatchAndOneExactlyAtTheBounds() {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 31; i++) {
            labels.put("k" + i, "v");
        }
        labels.put("k".repeat(128), "'; DROP TABLE x; -- \t\n\\ é".repeat(100).substring(0, 1024));

        assertThat(reason(batch(sample()))).isEmpty();
        assertThat(reason(batch(sample().setLabels(labels)
                                .setName("m".repeat(256))
                                .setTimestamp(NEWEST))
                        .setNodeId("i".repeat(256))))
                .isEmpty();
    }

    @Test
    void shouldNameEachProblemWithItsReasonCode() {
        assertThat(reason(batch(sample().setValue(Double.NaN)))).contains(InvalidReasons.NON_FINITE);
        assertThat(reason(batch(sample().setTimestamp(OLDEST.minusMillis(1)))))
                .contains(InvalidReasons.TIMESTAMP_TOO_OLD);
        assertThat(reason(batch(sample().setTimestamp(NEWEST.plusMillis(1)))))
                .contains(InvalidReasons.TIMESTAMP_IN_FUTURE);
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        assertThat(reason(batch(sample().setLabels(many)))).contains(InvalidReasons.TOO_MANY_LABELS);
        assertThat(reason(batch(sample().setLabels(Map.of("k".repeat(129), "v")))))
                .contains(InvalidReasons.LABEL_KEY_TOO_LONG);
        assertThat(reason(batch(sample().setLabels(Map.of("k", "v".repeat(1025))))))
                .contains(InvalidReasons.LABEL_VALUE_TOO_LONG);
        assertThat(reason(batch(sample().setUnit("u".repeat(257))))).contains(InvalidReasons.NAME_TOO_LONG);
        assertThat(reason(batch(sample()).setNodeName(" "))).contains(InvalidReasons.EMPTY_NAME);
        assertThat(reason(batch(sample().setLabels(Map.of("", "v"))))).contains(InvalidReasons.EMPTY_NAME);
        assertThat(reason(batch(sample().setCategory("c\0")))).contains(InvalidReasons.NUL_CHARACTER);
    }

    @Test
    void shouldReportTheFirstBadSampleWithoutRepeatingAHugeValue() {
        Optional<Violation> problem = validator.validate(
                batch(sample(), sample().setLabels(Map.of("path", "x".repeat(1_000_000))))
                        .build(),
                OLDEST,
                NEWEST);

        assertThat(problem).hasValueSatisfying(v -> {
            assertThat(v.reason()).isEqualTo(InvalidReasons.LABEL_VALUE_TOO_LONG);
            assertThat(v.message()).contains("sample 1").contains("'path'").hasSizeLessThan(200);
        });
    }

    @Test
    void shouldAcceptAnyTimestampWithUnboundedWindow() {
        assertThat(validator.validate(
                        batch(sample().setTimestamp(Instant.EPOCH)).build(), Instant.MIN, Instant.MAX))
                .isEmpty();
    }

    @Test
    void shouldReadBoundsUnderAPrefixAndRejectNonPositiveOnes() {
        StrataConfig config = StrataConfig.of(Map.of("app.validation.max-labels", "4"));
        assertThat(SeriesBounds.from(config, "app.validation.")).isEqualTo(new SeriesBounds(4, 128, 1024, 256));
        assertThatThrownBy(() -> SeriesBounds.from(
                        StrataConfig.of(Map.of("app.validation.max-name-length", "-1")), "app.validation."))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("app.validation.max-name-length");
        assertThatThrownBy(() -> new SeriesBounds(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
