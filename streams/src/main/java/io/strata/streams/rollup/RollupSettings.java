package io.strata.streams.rollup;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.Durations;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.schemas.validate.SeriesBounds;
import java.time.Duration;
import java.util.Objects;

/**
 * What the rollup topology needs to know: its topics, the retention policy (grace per tier, how long buckets can
 * still be corrected), the sketch's relative accuracy, how often buckets are checked for closing, and how far in the
 * future a sample may be stamped before it is refused, and the size bounds of a series.
 *
 * @param rawTopic input: {@code MetricBatch} records keyed by node id
 * @param hourlyTopic output: hourly {@code MetricRollup}s
 * @param dailyTopic output: daily {@code MetricRollup}s
 * @param deadLetterTopic output: records that cannot be decoded or are invalid
 * @param retention the retention policy: grace per tier, and the hourly retention bounds corrections
 * @param relativeAccuracy the DDSketch relative accuracy ({@value #RELATIVE_ACCURACY_KEY}, default 0.01)
 * @param punctuateInterval how often closed buckets are looked for, on stream time and on wall-clock time ({@value
 *     #PUNCTUATE_INTERVAL_KEY}, default 10s)
 * @param maxFutureSkew a batch with a sample stamped more than this ahead of the wall clock is dead-lettered as
 *     invalid, so that one node's wrong clock cannot close every bucket of its partition ({@value
 *     #MAX_FUTURE_SKEW_KEY}, default 1h)
 * @param seriesBounds a batch with a series outside these bounds is dead-lettered with the bound's reason code, so
 *     that no state store entry or changelog record can grow past Kafka's record size ({@value #VALIDATION_PREFIX}
 *     {@code max-labels}, {@code max-label-key-length}, {@code max-label-value-length}, {@code max-name-length}:
 *     the sink's keys and defaults)
 */
public record RollupSettings(
        String rawTopic,
        String hourlyTopic,
        String dailyTopic,
        String deadLetterTopic,
        RetentionPolicy retention,
        double relativeAccuracy,
        Duration punctuateInterval,
        Duration maxFutureSkew,
        SeriesBounds seriesBounds) {

    /** Key of the sketch's relative accuracy. */
    public static final String RELATIVE_ACCURACY_KEY = "rollup.sketch.relative-accuracy";
    /** Key of the punctuation interval. */
    public static final String PUNCTUATE_INTERVAL_KEY = "rollup.punctuate-interval";
    /** Key of the largest accepted clock skew into the future. */
    public static final String MAX_FUTURE_SKEW_KEY = "rollup.max-future-skew";

    /** Prefix of the series bound keys; the suffixes are those of {@link SeriesBounds}, as in the sink. */
    public static final String VALIDATION_PREFIX = "streams.validation.";

    /** Default punctuation interval. */
    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofSeconds(10);
    /** Default largest accepted clock skew into the future. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);

    /** Validates the settings. */
    public RollupSettings {
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(hourlyTopic, "hourlyTopic");
        Objects.requireNonNull(dailyTopic, "dailyTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(punctuateInterval, "punctuateInterval");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        Objects.requireNonNull(seriesBounds, "seriesBounds");
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
            throw new ConfigException(
                    RELATIVE_ACCURACY_KEY,
                    RELATIVE_ACCURACY_KEY + ": invalid value '" + relativeAccuracy
                            + "' (expected a number strictly between 0 and 1, e.g. 0.01)");
        }
        if (punctuateInterval.isNegative() || punctuateInterval.isZero()) {
            throw new ConfigException(
                    PUNCTUATE_INTERVAL_KEY,
                    PUNCTUATE_INTERVAL_KEY + ": invalid duration '" + Durations.format(punctuateInterval)
                            + "' (expected a positive duration like 10s)");
        }
        if (maxFutureSkew.isNegative()) {
            throw new ConfigException(
                    MAX_FUTURE_SKEW_KEY,
                    MAX_FUTURE_SKEW_KEY + ": invalid duration '" + Durations.format(maxFutureSkew)
                            + "' (expected zero or more, like 1h)");
        }
    }

    /** The catalog's topics, the given policy and the default tuning. */
    public static RollupSettings of(RetentionPolicy retention) {
        return new RollupSettings(
                TopicCatalog.METRICS_RAW,
                TopicCatalog.METRICS_HOURLY,
                TopicCatalog.METRICS_DAILY,
                TopicCatalog.DEADLETTER,
                retention,
                Sketches.DEFAULT_RELATIVE_ACCURACY,
                DEFAULT_PUNCTUATE_INTERVAL,
                DEFAULT_MAX_FUTURE_SKEW,
                SeriesBounds.defaults());
    }

    /**
     * Reads the settings: the catalog's topics, {@link RetentionPolicy#from(StrataConfig)} and the {@code rollup.*}
     * keys (defaults apply to keys not set).
     *
     * @throws ConfigException naming the key and value at fault
     */
    public static RollupSettings from(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        double accuracy = Sketches.DEFAULT_RELATIVE_ACCURACY;
        if (config.has(RELATIVE_ACCURACY_KEY)) {
            try {
                accuracy = Double.parseDouble(config.getString(RELATIVE_ACCURACY_KEY));
            } catch (NumberFormatException e) {
                throw config.invalid(RELATIVE_ACCURACY_KEY, "a number strictly between 0 and 1, e.g. 0.01");
            }
        }
        return new RollupSettings(
                TopicCatalog.METRICS_RAW,
                TopicCatalog.METRICS_HOURLY,
                TopicCatalog.METRICS_DAILY,
                TopicCatalog.DEADLETTER,
                RetentionPolicy.from(config),
                accuracy,
                config.has(PUNCTUATE_INTERVAL_KEY)
                        ? config.getDuration(PUNCTUATE_INTERVAL_KEY)
                        : DEFAULT_PUNCTUATE_INTERVAL,
                config.has(MAX_FUTURE_SKEW_KEY)
                        ? config.getNonNegativeDuration(MAX_FUTURE_SKEW_KEY)
                        : DEFAULT_MAX_FUTURE_SKEW,
                SeriesBounds.from(config, VALIDATION_PREFIX));
    }

    /** The same settings with other topic names (tests on a shared broker). */
    public RollupSettings withTopics(String raw, String hourly, String daily, String deadLetter) {
        return new RollupSettings(
                raw,
                hourly,
                daily,
                deadLetter,
                retention,
                relativeAccuracy,
                punctuateInterval,
                maxFutureSkew,
                seriesBounds);
    }

    /** The same settings with other series bounds. */
    public RollupSettings withSeriesBounds(SeriesBounds bounds) {
        return new RollupSettings(
                rawTopic,
                hourlyTopic,
                dailyTopic,
                deadLetterTopic,
                retention,
                relativeAccuracy,
                punctuateInterval,
                maxFutureSkew,
                bounds);
    }
}
