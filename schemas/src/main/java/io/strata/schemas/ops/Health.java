package io.strata.schemas.ops;

import java.util.Map;
import java.util.Objects;

/**
 * An app's health at one moment: up or down, with a few facts that say why (no secrets).
 *
 * @param up whether the app does its job right now
 * @param details short facts, e.g. {@code kafka=connected}, {@code state=RUNNING}
 */
public record Health(boolean up, Map<String, String> details) {

    /** Freezes the details. */
    public Health {
        details = Map.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** Up, with details. */
    public static Health up(Map<String, String> details) {
        return new Health(true, details);
    }

    /** Down, with details that say why. */
    public static Health down(Map<String, String> details) {
        return new Health(false, details);
    }
}
