package io.strata.schemas.config;

import java.util.Optional;

/**
 * A configuration value is missing or invalid. The message names the key, the offending value (unless the key holds
 * a secret) and what was expected, so that it can be shown to an operator as is.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * A problem with one key.
     *
     * @param key the configuration key at fault
     * @param message the full message; by convention it starts with {@code "<key>: "}
     */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /**
     * A problem with one key, caused by another exception.
     *
     * @param key the configuration key at fault
     * @param message the full message; by convention it starts with {@code "<key>: "}
     * @param cause the underlying failure
     */
    public ConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /**
     * A problem not tied to a single key (for example several rules broken at once).
     *
     * @param message the full message
     */
    public ConfigException(String message) {
        this(null, message);
    }

    /** The key at fault, when the problem is about a single key. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /**
     * The standard "invalid value" error: {@code "<key>: invalid <kind> '<value>' (expected <expected>)"}, with the
     * value left out when the key holds a secret.
     */
    static ConfigException invalid(String key, String kind, String value, String expected) {
        String shown = StrataConfig.mustHide(key, value) ? "(value hidden: secret)" : "'" + value + "'";
        return new ConfigException(key, key + ": invalid " + kind + " " + shown + " (expected " + expected + ")");
    }
}
