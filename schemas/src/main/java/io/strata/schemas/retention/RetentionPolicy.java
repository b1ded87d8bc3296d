package io.strata.schemas.retention;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.Durations;
import io.strata.schemas.config.StrataConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How long Strata keeps each tier of data, and how long rollup buckets wait for late samples. One definition, applied
 * to topics' {@code retention.ms}, to Streams' window retention and grace, and to the database's partitions.
 *
 * <p>Construction validates: every duration positive; raw samples outlive an hourly bucket plus its grace, hourly
 * rollups a daily bucket plus its grace; {@code daily >= hourly >= raw}; at least one automated snapshot kept.
 *
 * @param raw how long raw samples are kept (key {@value #RAW_KEY}, default 30d)
 * @param hourly how long hourly rollups are kept ({@value #HOURLY_KEY}, default 365d)
 * @param daily how long daily rollups are kept ({@value #DAILY_KEY}, default 1826d)
 * @param changes how long change events are kept ({@value #CHANGES_KEY}, default forever)
 * @param deadLetter how long dead letters are kept ({@value #DEADLETTER_KEY}, default 30d)
 * @param automatedSnapshotsKept how many automated snapshots are kept ({@value #SNAPSHOTS_KEEP_KEY}, default 10)
 * @param hourlyGrace how long an hourly bucket waits for late samples ({@value #HOURLY_GRACE_KEY}, default 10m)
 * @param dailyGrace how long a daily bucket waits for late hourly rollups ({@value #DAILY_GRACE_KEY}, default 2h)
 */
public record RetentionPolicy(
        Duration raw,
        Duration hourly,
        Duration daily,
        RetentionPeriod changes,
        Duration deadLetter,
        int automatedSnapshotsKept,
        Duration hourlyGrace,
        Duration dailyGrace) {

    /** Retention of raw samples. */
    public static final String RAW_KEY = "retention.raw";
    /** Retention of hourly rollups. */
    public static final String HOURLY_KEY = "retention.hourly";
    /** Retention of daily rollups. */
    public static final String DAILY_KEY = "retention.daily";
    /** Retention of change events: {@code forever} or a duration. */
    public static final String CHANGES_KEY = "retention.changes";
    /** Retention of dead letters. */
    public static final String DEADLETTER_KEY = "retention.deadletter";
    /** How many automated snapshots are kept. */
    public static final String SNAPSHOTS_KEEP_KEY = "retention.snapshots.automated-keep";
    /** Grace of hourly buckets. */
    public static final String HOURLY_GRACE_KEY = "rollup.hourly.grace";
    /** Grace of daily buckets. */
    public static final String DAILY_GRACE_KEY = "rollup.daily.grace";

    /** The size of an hourly bucket. */
    public static final Duration HOURLY_WINDOW = Duration.ofHours(1);
    /** The size of a daily bucket. */
    public static final Duration DAILY_WINDOW = Duration.ofDays(1);

    private static final String POSITIVE = "a positive duration like 30d, 12h, 10m";

    /**
     * Validates the policy.
     *
     * @throws ConfigException naming the key and value of every rule broken
     */
    public RetentionPolicy {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(hourly, "hourly");
        Objects.requireNonNull(daily, "daily");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(deadLetter, "deadLetter");
        Objects.requireNonNull(hourlyGrace, "hourlyGrace");
        Objects.requireNonNull(dailyGrace, "dailyGrace");
        List<ConfigException> errors = new ArrayList<>();
        boolean allPositive = true;
        allPositive &= requirePositive(RAW_KEY, raw, errors);
        allPositive &= requirePositive(HOURLY_KEY, hourly, errors);
        allPositive &= requirePositive(DAILY_KEY, daily, errors);
        allPositive &= requirePositive(DEADLETTER_KEY, deadLetter, errors);
        // Zero grace is legitimate (emit as soon as a bucket ends); negative is not.
        allPositive &= requireNotNegative(HOURLY_GRACE_KEY, hourlyGrace, errors);
        allPositive &= requireNotNegative(DAILY_GRACE_KEY, dailyGrace, errors);
        if (allPositive) {
            // Streams builds an hourly bucket from raw samples until the bucket's end plus grace; a raw sample deleted
            // before then would silently drop out of its rollup, late samples first.
            requireLonger(RAW_KEY, raw, "the hourly window", HOURLY_WINDOW, HOURLY_GRACE_KEY, hourlyGrace, errors);
            requireLonger(HOURLY_KEY, hourly, "the daily window", DAILY_WINDOW, DAILY_GRACE_KEY, dailyGrace, errors);
            // Each coarser tier is what remains once the finer one expires: keeping it shorter than the finer tier
            // would leave ranges where detail exists but its summary is gone, and long-range queries (which read the
            // coarser tier) would show holes over recent history.
            requireNotShorter(HOURLY_KEY, hourly, RAW_KEY, raw, errors);
            requireNotShorter(DAILY_KEY, daily, HOURLY_KEY, hourly, errors);
        }
        if (automatedSnapshotsKept < 1) {
            errors.add(new ConfigException(
                    SNAPSHOTS_KEEP_KEY,
                    SNAPSHOTS_KEEP_KEY + ": invalid value '" + automatedSnapshotsKept
                            + "' (expected an integer >= 1)"));
        }
        if (errors.size() == 1) {
            throw errors.get(0);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(
                    errors.get(0).key().orElseThrow(),
                    "invalid retention policy: "
                            + errors.stream().map(ConfigException::getMessage).collect(Collectors.joining("; ")));
        }
    }

    /**
     * Reads and validates the policy from configuration.
     *
     * @throws ConfigException naming the key and value at fault
     */
    public static RetentionPolicy from(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        return new RetentionPolicy(
                config.getDuration(RAW_KEY),
                config.getDuration(HOURLY_KEY),
                config.getDuration(DAILY_KEY),
                changes(config),
                config.getDuration(DEADLETTER_KEY),
                config.getInt(SNAPSHOTS_KEEP_KEY),
                config.getNonNegativeDuration(HOURLY_GRACE_KEY),
                config.getNonNegativeDuration(DAILY_GRACE_KEY));
    }

    /** The built-in defaults: raw 30d, hourly 365d, daily 1826d, changes forever, dead letters 30d, 10 snapshots. */
    public static RetentionPolicy defaults() {
        return from(StrataConfig.defaults());
    }

    private static RetentionPeriod changes(StrataConfig config) {
        String text = config.getString(CHANGES_KEY).strip();
        if (text.toLowerCase(Locale.ROOT).equals(RetentionPeriod.FOREVER_TEXT)) {
            return RetentionPeriod.FOREVER;
        }
        try {
            return RetentionPeriod.of(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw config.invalid(CHANGES_KEY, "'forever' or " + POSITIVE);
        }
    }

    private static boolean requirePositive(String key, Duration value, List<ConfigException> errors) {
        if (value.isNegative() || value.isZero()) {
            errors.add(new ConfigException(
                    key, key + ": invalid duration '" + Durations.format(value) + "' (expected " + POSITIVE + ")"));
            return false;
        }
        return true;
    }

    private static boolean requireNotNegative(String key, Duration value, List<ConfigException> errors) {
        if (value.isNegative()) {
            errors.add(new ConfigException(
                    key,
                    key + ": invalid duration '" + Durations.format(value)
                            + "' (expected zero or more, like 0s, 10m)"));
            return false;
        }
        return true;
    }

    private static void requireLonger(
            String key,
            Duration value,
            String windowName,
            Duration window,
            String graceKey,
            Duration grace,
            List<ConfigException> errors) {
        Duration minimum = window.plus(grace);
        if (value.compareTo(minimum) <= 0) {
            errors.add(new ConfigException(
                    key,
                    key + ": " + Durations.format(value) + " is too short (expected more than "
                            + Durations.format(minimum) + ", " + windowName + " " + Durations.format(window) + " plus "
                            + graceKey + " " + Durations.format(grace) + ", so that data outlives the bucket it rolls"
                            + " up into)"));
        }
    }

    private static void requireNotShorter(
            String key, Duration value, String finerKey, Duration finer, List<ConfigException> errors) {
        if (value.compareTo(finer) < 0) {
            errors.add(new ConfigException(
                    key,
                    key + ": " + Durations.format(value) + " is shorter than " + finerKey + " "
                            + Durations.format(finer) + " (expected at least " + Durations.format(finer)
                            + ": a coarser tier must outlive the finer tier it summarises)"));
        }
    }

    /** The policy as configured, e.g. {@code raw=30d, hourly=365d, ...}. */
    @Override
    public String toString() {
        return "RetentionPolicy[raw=" + Durations.format(raw) + ", hourly=" + Durations.format(hourly) + ", daily="
                + Durations.format(daily) + ", changes=" + changes + ", deadLetter=" + Durations.format(deadLetter)
                + ", automatedSnapshotsKept=" + automatedSnapshotsKept + ", hourlyGrace="
                + Durations.format(hourlyGrace) + ", dailyGrace=" + Durations.format(dailyGrace) + "]";
    }
}
