package io.strata.schemas.validate;

import java.util.Objects;

/**
 * Why a record is invalid: a reason code from {@link InvalidReasons} and a message naming the field.
 *
 * @param reason machine-readable code, e.g. {@code invalid.label-value-too-long}
 * @param message what is wrong, naming the field (never the full offending value: it may be huge)
 */
public record Violation(String reason, String message) {

    /** Checks that both are present. */
    public Violation {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
