package io.strata.producer.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the load generator publishes: {@code nodes} simulated nodes with {@code metrics} series each, one batch per
 * node per aligned tick in {@code [from, to)}.
 *
 * @param seed the fleet's seed: same seed, same values
 * @param nodes the number of nodes
 * @param metrics the series per node
 * @param interval the tick interval
 * @param from the first tick (aligned down to the interval)
 * @param to the end (exclusive), or null to run until stopped (realtime only)
 * @param realtime whether ticks wait for their time (past ticks are backfilled at once); else as fast as possible
 */
public record LoadPlan(
        long seed, int nodes, int metrics, Duration interval, Instant from, Instant to, boolean realtime) {

    /** Validates. */
    public LoadPlan {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(from, "from");
        if (nodes < 1 || metrics < 1) {
            throw new IllegalArgumentException("nodes and metrics must be at least 1");
        }
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1ms");
        }
        if (to == null && !realtime) {
            throw new IllegalArgumentException("--to is required with --rate max");
        }
        if (to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("--to must be after --from");
        }
    }
}
