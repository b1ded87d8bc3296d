package io.strata.schemas.retention;

import io.strata.schemas.config.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How long something is kept: a positive duration, or forever. */
public final class RetentionPeriod {

    /** Kept forever: never deleted by age. */
    public static final RetentionPeriod FOREVER = new RetentionPeriod(null);

    /** The configuration word for {@link #FOREVER}. */
    public static final String FOREVER_TEXT = "forever";

    private final Duration duration;

    private RetentionPeriod(Duration duration) {
        this.duration = duration;
    }

    /**
     * Kept for a positive duration.
     *
     * @throws IllegalArgumentException if the duration is zero or negative
     */
    public static RetentionPeriod of(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + duration);
        }
        return new RetentionPeriod(duration);
    }

    /** Whether this is {@link #FOREVER}. */
    public boolean isForever() {
        return duration == null;
    }

    /** The duration, empty for {@link #FOREVER}. */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** Kafka's {@code retention.ms} for this period: milliseconds, {@code -1} for forever. */
    public long retentionMs() {
        return duration == null ? -1L : duration.toMillis();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetentionPeriod that && Objects.equals(duration, that.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(duration);
    }

    /** {@code forever} or the duration as configured ({@code 30d}). */
    @Override
    public String toString() {
        return duration == null ? FOREVER_TEXT : Durations.format(duration);
    }
}
