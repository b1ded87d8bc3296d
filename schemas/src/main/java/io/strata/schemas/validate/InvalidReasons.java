package io.strata.schemas.validate;

/**
 * Dead-letter reason codes ({@code strata.dlt.reason}) of a record that decoded but is invalid. Every component
 * that validates records uses these, so a consumer of the dead-letter topic can group by reason whichever
 * component wrote the dead letter.
 */
public final class InvalidReasons {

    /** A sample value (or rollup field) is NaN or infinite. */
    public static final String NON_FINITE = "invalid.non-finite";

    /** A timestamp is older than the component accepts. */
    public static final String TIMESTAMP_TOO_OLD = "invalid.timestamp-too-old";

    /** A timestamp is further in the future than the accepted clock skew. */
    public static final String TIMESTAMP_IN_FUTURE = "invalid.timestamp-in-future";

    /** A series has more labels than {@link SeriesBounds#maxLabels()}. */
    public static final String TOO_MANY_LABELS = "invalid.too-many-labels";

    /** A label key is longer than {@link SeriesBounds#maxLabelKeyLength()}. */
    public static final String LABEL_KEY_TOO_LONG = "invalid.label-key-too-long";

    /** A label value is longer than {@link SeriesBounds#maxLabelValueLength()}. */
    public static final String LABEL_VALUE_TOO_LONG = "invalid.label-value-too-long";

    /** A node id, node name, category, metric name or unit is longer than {@link SeriesBounds#maxNameLength()}. */
    public static final String NAME_TOO_LONG = "invalid.name-too-long";

    /** A node id, node name, category, metric name or unit is blank, or a label key is empty. */
    public static final String EMPTY_NAME = "invalid.empty-name";

    /** A text contains U+0000, which PostgreSQL's {@code text} and {@code jsonb} cannot hold. */
    public static final String NUL_CHARACTER = "invalid.nul-character";

    private InvalidReasons() {}
}
