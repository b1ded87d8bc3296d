package io.strata.schemas.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the durations of Strata's configuration: a whole number and a unit, {@code 30d}, {@code 12h},
 * {@code 10m}, {@code 10s}, {@code 500ms}; ISO-8601 ({@code PT10S}) is accepted too.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final long MS_PER_DAY = Duration.ofDays(1).toMillis();
    private static final long MS_PER_HOUR = Duration.ofHours(1).toMillis();
    private static final long MS_PER_MINUTE = Duration.ofMinutes(1).toMillis();
    private static final long MS_PER_SECOND = Duration.ofSeconds(1).toMillis();

    private Durations() {}

    /**
     * Parses {@code 30d}, {@code 12h}, {@code 10m}, {@code 10s}, {@code 500ms} or ISO-8601 ({@code PT10S}).
     *
     * @throws IllegalArgumentException if the text is neither
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = SIMPLE.matcher(trimmed);
        if (matcher.matches()) {
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> throw new IllegalStateException("unit " + matcher.group(2));
                };
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("duration out of range: " + text, e);
            }
        }
        if (trimmed.startsWith("p") || trimmed.startsWith("-p")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + text, e);
            }
        }
        throw new IllegalArgumentException("not a duration: " + text);
    }

    /** Writes a duration in the largest unit that represents it exactly ({@code 30d}, {@code 70m}, {@code 500ms}). */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % MS_PER_DAY == 0) {
            return millis / MS_PER_DAY + "d";
        }
        if (millis % MS_PER_HOUR == 0) {
            return millis / MS_PER_HOUR + "h";
        }
        if (millis % MS_PER_MINUTE == 0) {
            return millis / MS_PER_MINUTE + "m";
        }
        if (millis % MS_PER_SECOND == 0) {
            return millis / MS_PER_SECOND + "s";
        }
        return millis + "ms";
    }
}
