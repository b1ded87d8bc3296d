package io.strata.schemas.validate;

import io.strata.schemas.config.StrataConfig;
import java.util.Objects;

/**
 * Size bounds of a metric series (and of the node that reports it). They keep every record, state store entry and
 * database row of a series small: a batch outside them is dead-lettered, not stored.
 *
 * @param maxLabels most labels on one series
 * @param maxLabelKeyLength longest label key, in characters
 * @param maxLabelValueLength longest label value, in characters
 * @param maxNameLength longest node id, node name, category, metric name or unit, in characters
 */
public record SeriesBounds(int maxLabels, int maxLabelKeyLength, int maxLabelValueLength, int maxNameLength) {

    /** Default {@link #maxLabels()}. */
    public static final int DEFAULT_MAX_LABELS = 32;
    /** Default {@link #maxLabelKeyLength()}. */
    public static final int DEFAULT_MAX_LABEL_KEY_LENGTH = 128;
    /** Default {@link #maxLabelValueLength()}. */
    public static final int DEFAULT_MAX_LABEL_VALUE_LENGTH = 1024;
    /** Default {@link #maxNameLength()}. */
    public static final int DEFAULT_MAX_NAME_LENGTH = 256;

    /** Key suffix of {@link #maxLabels()}, after the application's prefix (e.g. {@code sink.validation.}). */
    public static final String MAX_LABELS_KEY = "max-labels";
    /** Key suffix of {@link #maxLabelKeyLength()}. */
    public static final String MAX_LABEL_KEY_LENGTH_KEY = "max-label-key-length";
    /** Key suffix of {@link #maxLabelValueLength()}. */
    public static final String MAX_LABEL_VALUE_LENGTH_KEY = "max-label-value-length";
    /** Key suffix of {@link #maxNameLength()}. */
    public static final String MAX_NAME_LENGTH_KEY = "max-name-length";

    /** Validates the bounds. */
    public SeriesBounds {
        if (maxLabels < 0 || maxLabelKeyLength < 1 || maxLabelValueLength < 1 || maxNameLength < 1) {
            throw new IllegalArgumentException("Label and name bounds must be positive, got " + maxLabels + ", "
                    + maxLabelKeyLength + ", " + maxLabelValueLength + ", " + maxNameLength);
        }
    }

    /** The defaults: 32 labels, keys of 128, values of 1024, names of 256 characters. */
    public static SeriesBounds defaults() {
        return new SeriesBounds(
                DEFAULT_MAX_LABELS,
                DEFAULT_MAX_LABEL_KEY_LENGTH,
                DEFAULT_MAX_LABEL_VALUE_LENGTH,
                DEFAULT_MAX_NAME_LENGTH);
    }

    /**
     * Reads the bounds from {@code <prefix>max-labels}, {@code <prefix>max-label-key-length}, {@code
     * <prefix>max-label-value-length} and {@code <prefix>max-name-length}; a key not set keeps its default.
     *
     * @param prefix e.g. {@code streams.validation.}
     * @throws io.strata.schemas.config.ConfigException naming a key whose value is not a positive integer
     */
    public static SeriesBounds from(StrataConfig config, String prefix) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(prefix, "prefix");
        return new SeriesBounds(
                positive(config, prefix + MAX_LABELS_KEY, DEFAULT_MAX_LABELS),
                positive(config, prefix + MAX_LABEL_KEY_LENGTH_KEY, DEFAULT_MAX_LABEL_KEY_LENGTH),
                positive(config, prefix + MAX_LABEL_VALUE_LENGTH_KEY, DEFAULT_MAX_LABEL_VALUE_LENGTH),
                positive(config, prefix + MAX_NAME_LENGTH_KEY, DEFAULT_MAX_NAME_LENGTH));
    }

    private static int positive(StrataConfig config, String key, int fallback) {
        int value = config.getInt(key, fallback);
        if (value < 1) {
            throw config.invalid(key, "a positive integer");
        }
        return value;
    }
}
