package io.strata.sink.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds a record must keep to be written; a record outside them is dead-lettered.
 *
 * @param maxAge how far in the past a sample timestamp (or a rollup's bucket end) may be; default the raw retention
 * @param maxFuture how far in the future a timestamp may be (clock skew)
 * @param maxLabels most labels on one series
 * @param maxLabelKeyLength longest label key, in characters
 * @param maxLabelValueLength longest label value, in characters
 * @param hourlyMaxAge how far in the past an hourly rollup's bucket may end; default the hourly retention
 * @param dailyMaxAge how far in the past a daily rollup's bucket may end; default the daily retention
 * @param maxNameLength longest node id, node name, category, metric name or unit, in characters
 */
public record ValidationRules(
        Duration maxAge,
        Duration maxFuture,
        int maxLabels,
        int maxLabelKeyLength,
        int maxLabelValueLength,
        int maxNameLength,
        Duration hourlyMaxAge,
        Duration dailyMaxAge) {

    /** Validates the bounds. */
    public ValidationRules {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(maxFuture, "maxFuture");
        Objects.requireNonNull(hourlyMaxAge, "hourlyMaxAge");
        Objects.requireNonNull(dailyMaxAge, "dailyMaxAge");
        if (maxAge.isNegative() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("maxAge and maxFuture must not be negative");
        }
        if (maxLabels < 0 || maxLabelKeyLength < 1 || maxLabelValueLength < 1 || maxNameLength < 1) {
            throw new IllegalArgumentException("Label and name bounds must be positive");
        }
    }

    /**
     * The defaults: samples 30 days back, hourly rollups 365 days, daily 1826 days, 1 hour ahead, 32 labels, keys of
     * 128, values of 1024, names of 256 characters.
     */
    public static ValidationRules defaults() {
        return new ValidationRules(
                Duration.ofDays(30),
                Duration.ofHours(1),
                32,
                128,
                1024,
                256,
                Duration.ofDays(365),
                Duration.ofDays(1826));
    }
}
