package io.strata.schemas.validate;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricSample;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks raw {@code MetricBatch}es against {@link SeriesBounds}, finiteness and a timestamp window, and names the
 * first problem with its {@link InvalidReasons reason code}. A batch is valid or invalid as a whole: the Kafka record
 * is the unit that is dead-lettered.
 *
 * <p>Checked in this order: node id, node name, then per sample its category, name, unit, label count, each label
 * (empty key, key length, value length, U+0000), value, timestamp. Quotes, backslashes, control characters, SQL
 * keywords and any other Unicode are valid; only U+0000 is rejected, because PostgreSQL's {@code text} and {@code
 * jsonb} cannot hold it. Thread-safe.
 */
public final class BatchValidator {

    private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final SeriesBounds bounds;

    /** A validator of the given bounds. */
    public BatchValidator(SeriesBounds bounds) {
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    /** The bounds checked. */
    public SeriesBounds bounds() {
        return bounds;
    }

    /**
     * The first problem of a batch, if any.
     *
     * @param oldest a sample stamped before this is {@link InvalidReasons#TIMESTAMP_TOO_OLD}
     * @param newest a sample stamped after this is {@link InvalidReasons#TIMESTAMP_IN_FUTURE}
     */
    public Optional<Violation> validate(MetricBatch batch, Instant oldest, Instant newest) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(oldest, "oldest");
        Objects.requireNonNull(newest, "newest");
        Optional<Violation> problem = name("nodeId", batch.getNodeId()).or(() -> name("nodeName", batch.getNodeName()));
        if (problem.isPresent()) {
            return problem;
        }
        long oldestMs = firstMillisNotBefore(oldest);
        long newestMs = saturatedMillis(newest);
        int index = 0;
        for (MetricSample sample : batch.getSamples()) {
            if (!looksValid(sample, oldestMs, newestMs)) {
                // Only now, for the rare bad sample, build the message that says what is wrong.
                String where = "sample " + index + " (" + abbreviate(sample.getCategory()) + "/"
                        + abbreviate(sample.getName()) + ")";
                problem = series(where, sample.getCategory(), sample.getName(), sample.getUnit(), sample.getLabels())
                        .or(() -> finite(where + " value", sample.getValue()))
                        .or(() -> window(where + " timestamp", sample.getTimestamp(), oldest, newest));
                if (problem.isPresent()) {
                    return problem;
                }
            }
            index++;
        }
        return Optional.empty();
    }

    /**
     * The first problem of a series (category, name, unit, labels), if any.
     *
     * @param where what to call the series in the message, e.g. {@code sample 3}
     * @param unit may be null
     */
    public Optional<Violation> series(
            String where, String category, String name, String unit, Map<String, String> labels) {
        Optional<Violation> problem = name(where + " category", category).or(() -> name(where + " name", name));
        if (problem.isPresent()) {
            return problem;
        }
        if (unit != null) {
            problem = name(where + " unit", unit);
            if (problem.isPresent()) {
                return problem;
            }
        }
        if (labels.size() > bounds.maxLabels()) {
            return violation(
                    InvalidReasons.TOO_MANY_LABELS,
                    where + " has " + labels.size() + " labels, more than " + bounds.maxLabels());
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            String value = label.getValue();
            if (key.isEmpty()) {
                return violation(InvalidReasons.EMPTY_NAME, where + " has an empty label key");
            }
            if (key.length() > bounds.maxLabelKeyLength()) {
                return violation(
                        InvalidReasons.LABEL_KEY_TOO_LONG,
                        where + " label key of " + key.length() + " chars, more than " + bounds.maxLabelKeyLength());
            }
            if (value.length() > bounds.maxLabelValueLength()) {
                return violation(
                        InvalidReasons.LABEL_VALUE_TOO_LONG,
                        where + " label '" + abbreviate(key) + "' value of " + value.length() + " chars, more than "
                                + bounds.maxLabelValueLength());
            }
            if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                return violation(
                        InvalidReasons.NUL_CHARACTER, where + " label '" + abbreviate(key) + "' contains U+0000");
            }
        }
        return Optional.empty();
    }

    /**
     * The problem of a node id, node name, category, metric name or unit, if any: blank, too long, or containing
     * U+0000.
     *
     * @param what the field, for the message
     */
    public Optional<Violation> name(String what, String value) {
        if (value.isBlank()) {
            return violation(InvalidReasons.EMPTY_NAME, what + " is empty");
        }
        if (value.length() > bounds.maxNameLength()) {
            return violation(
                    InvalidReasons.NAME_TOO_LONG,
                    what + " of " + value.length() + " chars, more than " + bounds.maxNameLength());
        }
        if (value.indexOf('\0') >= 0) {
            return violation(InvalidReasons.NUL_CHARACTER, what + " contains U+0000");
        }
        return Optional.empty();
    }

    /** {@link InvalidReasons#NON_FINITE} when the value is NaN or infinite. */
    public static Optional<Violation> finite(String what, double value) {
        return Double.isFinite(value) ? Optional.empty() : violation(InvalidReasons.NON_FINITE, what + " is " + value);
    }

    /** {@link InvalidReasons#TIMESTAMP_TOO_OLD} or {@link InvalidReasons#TIMESTAMP_IN_FUTURE} outside the window. */
    public static Optional<Violation> window(String what, Instant time, Instant oldest, Instant newest) {
        if (time.isBefore(oldest)) {
            return violation(InvalidReasons.TIMESTAMP_TOO_OLD, what + " " + time + " is before " + oldest);
        }
        if (time.isAfter(newest)) {
            return violation(InvalidReasons.TIMESTAMP_IN_FUTURE, what + " " + time + " is after " + newest);
        }
        return Optional.empty();
    }

    /** Every check of a sample without building a message (the hot path: almost every sample is valid). */
    private boolean looksValid(MetricSample sample, long oldestMs, long newestMs) {
        if (!Double.isFinite(sample.getValue())) {
            return false;
        }
        long at = sample.getTimestamp().toEpochMilli();
        if (at < oldestMs || at > newestMs) {
            return false;
        }
        return seriesLooksValid(sample.getCategory(), sample.getName(), sample.getUnit(), sample.getLabels());
    }

    /** Whether {@link #series} finds no problem, without building a message (the hot path). */
    public boolean seriesLooksValid(String category, String name, String unit, Map<String, String> labels) {
        if (!nameLooksValid(category) || !nameLooksValid(name)) {
            return false;
        }
        if (unit != null && !nameLooksValid(unit)) {
            return false;
        }
        if (labels.size() > bounds.maxLabels()) {
            return false;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            String value = label.getValue();
            if (key.isEmpty()
                    || key.length() > bounds.maxLabelKeyLength()
                    || value.length() > bounds.maxLabelValueLength()
                    || key.indexOf('\0') >= 0
                    || value.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@link #name} finds no problem, without building a message. */
    public boolean nameLooksValid(String value) {
        return !value.isBlank() && value.length() <= bounds.maxNameLength() && value.indexOf('\0') < 0;
    }

    /**
     * The first whole epoch millisecond not before {@code oldest} (rounded up, clamped to the long range): a sample
     * stamped in milliseconds is too old exactly when its millisecond is below this, as {@link #window} says.
     */
    public static long firstMillisNotBefore(Instant oldest) {
        long millis = saturatedMillis(oldest);
        return oldest.getNano() % 1_000_000 == 0 || millis == Long.MIN_VALUE || millis == Long.MAX_VALUE
                ? millis
                : millis + 1;
    }

    /** Epoch millis, clamped for instants beyond the long range (e.g. {@link Instant#MIN} as "no bound"). */
    private static long saturatedMillis(Instant instant) {
        if (instant.isBefore(MIN_MILLIS)) {
            return Long.MIN_VALUE;
        }
        return instant.isAfter(MAX_MILLIS) ? Long.MAX_VALUE : instant.toEpochMilli();
    }

    private static Optional<Violation> violation(String reason, String message) {
        return Optional.of(new Violation(reason, message));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
