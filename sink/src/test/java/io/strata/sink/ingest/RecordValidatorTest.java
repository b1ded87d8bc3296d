package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private final RecordValidator validator = new RecordValidator(ValidationRules.defaults());

    @Test
    void shouldAcceptStringsThatWouldBreakNaiveSql() {
        Map<String, String> labels = Map.of(
                "quote'\"", "O'Brien \"the\" DBA",
                "path\\", "C:\\temp\\new",
                "tab\t", "a\tb\nc\r\n",
                "sql", "'); DROP TABLE metric_samples; --",
                "unicode", "Grüße ✓ \u2028");

        Optional<Rejection> rejection = validator.validate(batch(labels, 1.0, NOW), NOW);

        assertThat(rejection).isEmpty();
    }

    @Test
    void shouldRejectNonFiniteValues() {
        for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThat(reason(batch(Map.of(), value, NOW))).isEqualTo(Rejection.NON_FINITE);
        }
    }

    @Test
    void shouldRejectTimestampsOutsideTheWindowAroundNow() {
        assertThat(reason(batch(Map.of(), 1, NOW.minus(Duration.ofDays(31))))).isEqualTo(Rejection.TOO_OLD);
        assertThat(reason(batch(Map.of(), 1, NOW.plus(Duration.ofMinutes(61))))).isEqualTo(Rejection.IN_FUTURE);
        assertThat(reason(batch(Map.of(), 1, NOW.minus(Duration.ofDays(29))))).isNull();
        assertThat(reason(batch(Map.of(), 1, NOW.plus(Duration.ofMinutes(59))))).isNull();
    }

    @Test
    void shouldRejectTooManyOrTooLongLabels() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        assertThat(reason(batch(many, 1, NOW))).isEqualTo(Rejection.TOO_MANY_LABELS);
        assertThat(reason(batch(Map.of("k".repeat(129), "v"), 1, NOW))).isEqualTo(Rejection.LABEL_KEY_TOO_LONG);
        assertThat(reason(batch(Map.of("k", "v".repeat(1025)), 1, NOW))).isEqualTo(Rejection.LABEL_VALUE_TOO_LONG);
        assertThat(reason(batch(Map.of("k", "v".repeat(1024)), 1, NOW))).isNull();
    }

    @Test
    void shouldRejectNulCharactersWhichPostgresTextCannotHold() {
        assertThat(reason(batch(Map.of("k", "a\0b"), 1, NOW))).isEqualTo(Rejection.NUL_CHARACTER);
    }

    @Test
    void shouldRejectEmptyAndOverlongNames() {
        MetricBatch blankNode = TestRecords.batch(" ", 1, NOW, 1);
        MetricBatch longNode = TestRecords.batch("n".repeat(257), 1, NOW, 1);

        assertThat(validator.validate(blankNode, NOW)).map(Rejection::reason).contains(Rejection.EMPTY_NAME);
        assertThat(validator.validate(longNode, NOW)).map(Rejection::reason).contains(Rejection.NAME_TOO_LONG);
    }

    @Test
    void shouldRejectARollupOfAnUnknownNode() {
        MetricRollup rollup = TestRecords.rollup("ghost", NOW.minus(Duration.ofHours(2)), 1, 1, 2, 3);

        assertThat(validator.validate(rollup, NOW, node -> false))
                .map(Rejection::reason)
                .contains(Rejection.UNKNOWN_NODE);
        assertThat(validator.validate(rollup, NOW, node -> true)).isEmpty();
    }

    @Test
    void shouldRejectANonFiniteRollupAndOneOlderThanItsTier() {
        MetricRollup nan = TestRecords.rollup("n", NOW.minus(Duration.ofHours(2)), 1, 1, 2);
        nan.setSum(Double.NaN);
        MetricRollup old = TestRecords.rollup("n", NOW.minus(Duration.ofDays(400)), 1, 1, 2);
        MetricRollup monthOld = TestRecords.rollup("n", NOW.minus(Duration.ofDays(40)), 1, 1, 2);

        assertThat(validator.validate(nan, NOW, node -> true))
                .map(Rejection::reason)
                .contains(Rejection.NON_FINITE);
        assertThat(validator.validate(old, NOW, node -> true))
                .map(Rejection::reason)
                .contains(Rejection.TOO_OLD);
        assertThat(validator.validate(monthOld, NOW, node -> true)).isEmpty();
    }

    private String reason(MetricBatch batch) {
        return validator.validate(batch, NOW).map(Rejection::reason).orElse(null);
    }

    @Test
    void shouldRejectNulAnywhereInAStateRecordAndAcceptOtherControlCharacters() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(validator.validateState(TestRecords.inventory("node-1", "db\u0000-1", at)))
                .map(Rejection::reason)
                .contains(Rejection.NUL_CHARACTER);
        assertThat(validator.validateState(TestRecords.postgresState("node-1", at, "16\u0000384")))
                .map(Rejection::message)
                .hasValueSatisfying(message -> assertThat(message).contains("settingValue"));
        assertThat(validator.validateState(TestRecords.change("e-1", "node-1", "a\u0000b")))
                .isPresent();
        assertThat(validator.validateState(TestRecords.change("e-1", "node-1", "tab\t 'quote' \\ \u0001")))
                .isEmpty();
        assertThat(validator.validateState(TestRecords.inventory("node-1", "db-1", at)))
                .isEmpty();
    }

    private static MetricBatch batch(Map<String, String> labels, double value, Instant at) {
        return TestRecords.batch("node-1", 1, at, List.of(TestRecords.sample("load", labels, value, at)));
    }
}
