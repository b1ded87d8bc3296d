package io.strata.streams;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a stream thread dies.
 *
 * <ul>
 *   <li>A transient error (a {@link RetriableException} anywhere in the cause chain: a broker or coordinator briefly
 *       unavailable, a timeout) replaces the thread: it restores its tasks from the changelogs and resumes from the
 *       last committed offsets, so under exactly-once nothing is lost or doubled. At most {@code maxPerHour}
 *       replacements per hour, so that a persistent "transient" fault does not loop forever.
 *   <li>Anything else (a bug, corrupt state, an error we cannot classify) shuts the client down: replacing the thread
 *       would re-read the same records and fail the same way. The app then exits with a non-zero code so that its
 *       supervisor (systemd, Kubernetes) restarts it and alerts. Poison records never get here: the topology
 *       dead-letters them.
 * </ul>
 */
final class StreamsErrorHandler implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsErrorHandler.class);
    private static final long HOUR_MS = 3_600_000L;

    private final int maxPerHour;
    private final LongSupplier clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    StreamsErrorHandler(int maxPerHour, LongSupplier clock) {
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must be >= 0, got " + maxPerHour);
        }
        this.maxPerHour = maxPerHour;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        if (isTransient(exception)) {
            long now = clock.getAsLong();
            while (!replacements.isEmpty() && replacements.peekFirst() <= now - HOUR_MS) {
                replacements.removeFirst();
            }
            if (replacements.size() < maxPerHour) {
                replacements.addLast(now);
                LOG.warn(
                        "Stream thread failed with a transient error; replacing it ({} of {} per hour)",
                        replacements.size(),
                        maxPerHour,
                        exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error(
                    "Stream thread failed with a transient error {} times within an hour; shutting down",
                    replacements.size() + 1,
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("Stream thread failed with a fatal error; shutting down", exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    static boolean isTransient(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
