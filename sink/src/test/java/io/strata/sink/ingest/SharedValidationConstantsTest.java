package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.validate.InvalidReasons;
import io.strata.schemas.validate.SeriesBounds;
import org.junit.jupiter.api.Test;

/**
 * Streams validates raw batches with the shared {@code io.strata.schemas.validate} types; until the sink uses them
 * too, its own bounds and reason codes must stay identical, so that a bad batch is rejected alike by both.
 */
class SharedValidationConstantsTest {

    @Test
    void shouldHaveTheSharedDefaultSeriesBounds() {
        ValidationRules rules = ValidationRules.defaults();

        assertThat(new SeriesBounds(
                        rules.maxLabels(),
                        rules.maxLabelKeyLength(),
                        rules.maxLabelValueLength(),
                        rules.maxNameLength()))
                .isEqualTo(SeriesBounds.defaults());
    }

    @Test
    void shouldUseTheSharedReasonCodes() {
        assertThat(Rejection.NON_FINITE).isEqualTo(InvalidReasons.NON_FINITE);
        assertThat(Rejection.TOO_OLD).isEqualTo(InvalidReasons.TIMESTAMP_TOO_OLD);
        assertThat(Rejection.IN_FUTURE).isEqualTo(InvalidReasons.TIMESTAMP_IN_FUTURE);
        assertThat(Rejection.TOO_MANY_LABELS).isEqualTo(InvalidReasons.TOO_MANY_LABELS);
        assertThat(Rejection.LABEL_KEY_TOO_LONG).isEqualTo(InvalidReasons.LABEL_KEY_TOO_LONG);
        assertThat(Rejection.LABEL_VALUE_TOO_LONG).isEqualTo(InvalidReasons.LABEL_VALUE_TOO_LONG);
        assertThat(Rejection.NAME_TOO_LONG).isEqualTo(InvalidReasons.NAME_TOO_LONG);
        assertThat(Rejection.EMPTY_NAME).isEqualTo(InvalidReasons.EMPTY_NAME);
        assertThat(Rejection.NUL_CHARACTER).isEqualTo(InvalidReasons.NUL_CHARACTER);
    }
}
