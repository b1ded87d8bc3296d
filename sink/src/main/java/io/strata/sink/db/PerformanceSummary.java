package io.strata.sink.db;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the materialized 7-day summary behind {@code v_performance_summary} (migration V6) through the SECURITY
 * DEFINER function {@code strata_refresh_performance_summary()}, so the {@code strata_writer} role suffices. The
 * refresh is concurrent: readers of the view keep the previous contents until it commits; a second refresh waits for
 * the first. A scheduled refresh ({@link #refreshUnlessFresh}, migration V7) skips when another sink refreshed
 * recently or is refreshing, so sinks scaled out do not each repeat the work. Thread-safe.
 */
public final class PerformanceSummary {
    private static final Logger LOG = LoggerFactory.getLogger(PerformanceSummary.class);

    private final Jdbi jdbi;

    /** The summary of the database behind {@code jdbi}. */
    public PerformanceSummary(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Recomputes the summary from the hourly rollups of the last 7 days; logs and returns how long it took. */
    public Refresh refresh() {
        long started = System.nanoTime();
        Instant asOf = jdbi.withHandle(h -> h.createQuery("SELECT strata_refresh_performance_summary()")
                .mapTo(Instant.class)
                .one());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("v_performance_summary refreshed as of {} in {} ms", asOf, took.toMillis());
        return new Refresh(asOf, took);
    }

    /**
     * Refreshes as {@link #refresh()} does, unless the summary is younger than {@code minAge} or another refresh is
     * running (another sink's, which is as fresh): then skips, logs at DEBUG and returns empty.
     */
    public Optional<Refresh> refreshUnlessFresh(Duration minAge) {
        Objects.requireNonNull(minAge, "minAge");
        long started = System.nanoTime();
        Optional<Instant> asOf = jdbi.withHandle(
                h -> h.createQuery("SELECT strata_refresh_performance_summary(make_interval(secs => :seconds))")
                        .bind("seconds", minAge.toMillis() / 1000.0)
                        .mapTo(Instant.class)
                        .findOne());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (asOf.isEmpty()) {
            LOG.debug("v_performance_summary refreshed less than {} ago or being refreshed; skipped", minAge);
            return Optional.empty();
        }
        LOG.info("v_performance_summary refreshed as of {} in {} ms", asOf.get(), took.toMillis());
        return Optional.of(new Refresh(asOf.get(), took));
    }

    /**
     * One refresh.
     *
     * @param asOf the time the summary is now as of (the refresh's transaction start)
     * @param took how long the refresh took
     */
    public record Refresh(Instant asOf, Duration took) {
        /** Validates the fields. */
        public Refresh {
            Objects.requireNonNull(asOf, "asOf");
            Objects.requireNonNull(took, "took");
        }
    }
}
