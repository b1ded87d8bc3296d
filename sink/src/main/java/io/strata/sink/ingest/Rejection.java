package io.strata.sink.ingest;

import java.util.Objects;

/**
 * Why a record is not written: a dead-letter reason code ({@code strata.dlt.reason}) and a message.
 *
 * @param reason machine-readable code, e.g. {@code invalid.non-finite}
 * @param message what is wrong, naming the field
 */
record Rejection(String reason, String message) {

    static final String UNKNOWN_NODE = "invalid.unknown-node";
    /** A raw batch whose sequence is not above the last one written for its node: a replay. */
    static final String DUPLICATE_SEQUENCE = "invalid.duplicate-sequence";

    static final String NON_FINITE = "invalid.non-finite";
    static final String TOO_OLD = "invalid.timestamp-too-old";
    static final String IN_FUTURE = "invalid.timestamp-in-future";
    static final String TOO_MANY_LABELS = "invalid.too-many-labels";
    static final String LABEL_KEY_TOO_LONG = "invalid.label-key-too-long";
    static final String LABEL_VALUE_TOO_LONG = "invalid.label-value-too-long";
    static final String NAME_TOO_LONG = "invalid.name-too-long";
    static final String EMPTY_NAME = "invalid.empty-name";
    static final String NUL_CHARACTER = "invalid.nul-character";
    static final String BAD_BUCKET = "invalid.bucket";
    static final String BAD_SKETCH = "invalid.sketch";
    static final String DATABASE_REJECTED = "db.rejected";

    Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
