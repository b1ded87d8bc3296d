package io.strata.sink.db;

import io.strata.schemas.retention.RetentionPolicy;
import io.strata.sink.snapshot.StateSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the time partitions in step with the {@link RetentionPolicy}: creates partitions ahead (7 days of raw
 * samples, 3 months of hourly and 2 years of daily rollups), gives rows that landed in a DEFAULT partition their
 * own partition, drops partitions wholly older than retention, and prunes automated snapshots beyond the newest N.
 * The DDL runs in the database's SECURITY DEFINER {@code strata_*} functions, so the {@code strata_writer} role
 * suffices. Thread-safe.
 */
public final class PartitionMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);

    private final Jdbi jdbi;
    private final RetentionPolicy policy;
    private final Clock clock;
    // Period starts known to have a partition, so the ingest path skips the round trip for them.
    private final Map<PartitionedTable, Set<Instant>> known = new EnumMap<>(PartitionedTable.class);

    /** Maintenance of the database behind {@code jdbi} under {@code policy}, with the given clock. */
    public PartitionMaintenance(Jdbi jdbi, RetentionPolicy policy, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (PartitionedTable table : PartitionedTable.values()) {
            known.put(table, ConcurrentHashMap.newKeySet());
        }
    }

    /** Retention of a table under the policy. */
    public Duration retention(PartitionedTable table) {
        return switch (table) {
            case METRIC_SAMPLES -> policy.raw();
            case ROLLUPS_HOURLY -> policy.hourly();
            case ROLLUPS_DAILY -> policy.daily();
        };
    }

    /**
     * One maintenance pass (each table in its own transaction): create ahead, settle the DEFAULT partitions, drop
     * expired partitions, prune automated snapshots. Logs what it did.
     */
    public Report run() {
        Instant now = clock.instant();
        Map<PartitionedTable, List<String>> created = new EnumMap<>(PartitionedTable.class);
        Map<PartitionedTable, List<String>> dropped = new EnumMap<>(PartitionedTable.class);
        for (PartitionedTable table : PartitionedTable.values()) {
            List<String> made = new ArrayList<>();
            made.addAll(jdbi.inTransaction(h -> ensurePartitions(h, table, now, table.aheadOf(now))));
            made.addAll(jdbi.inTransaction(h -> h.createQuery("SELECT strata_settle_default_partition(:t)")
                    .bind("t", table.tableName())
                    .mapTo(String.class)
                    .list()));
            Instant cutoff = now.minus(retention(table));
            List<String> gone =
                    jdbi.inTransaction(h -> h.createQuery("SELECT strata_drop_partitions_before(:t, :cutoff)")
                            .bind("t", table.tableName())
                            .bind("cutoff", cutoff)
                            .mapTo(String.class)
                            .list());
            if (!gone.isEmpty()) {
                known.get(table).clear();
            }
            created.put(table, List.copyOf(made));
            dropped.put(table, gone);
            LOG.info(
                    "partitions of {}: created {}, dropped {} (older than {}, retention {})",
                    table.tableName(),
                    made.isEmpty() ? "none" : made,
                    gone.isEmpty() ? "none" : gone,
                    cutoff,
                    retention(table));
        }
        int pruned = jdbi.inTransaction(h -> StateSnapshots.pruneAutomated(h, policy.automatedSnapshotsKept()));
        LOG.info("automated snapshots pruned: {} (keeping the newest {})", pruned, policy.automatedSnapshotsKept());
        return new Report(created, dropped, pruned);
    }

    /**
     * Makes sure every partition of {@code table} covering {@code [from, to]} exists, so rows for that range go to
     * their own partition (they would otherwise wait in the DEFAULT partition). Cheap when they exist: known
     * periods are remembered. May run in the caller's transaction; creating a partition locks the parent briefly.
     *
     * @return the partitions it created
     */
    public List<String> ensurePartitionsFor(Handle handle, PartitionedTable table, Instant from, Instant to) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("range ends before it starts: [" + from + ", " + to + "]");
        }
        Set<Instant> periods = known.get(table);
        boolean allKnown = true;
        for (Instant p = table.periodStart(from); !p.isAfter(to); p = table.nextPeriod(p)) {
            if (!periods.contains(p)) {
                allKnown = false;
                break;
            }
        }
        if (allKnown) {
            return List.of();
        }
        return ensurePartitions(handle, table, from, to);
    }

    private List<String> ensurePartitions(Handle handle, PartitionedTable table, Instant from, Instant to) {
        List<String> made = handle.createQuery("SELECT strata_ensure_partitions(:t, :from, :to)")
                .bind("t", table.tableName())
                .bind("from", from)
                .bind("to", to)
                .mapTo(String.class)
                .list();
        // Remembered only after commit would be stricter; a rolled-back creation merely sends rows to DEFAULT,
        // where the next maintenance pass finds them.
        for (Instant p = table.periodStart(from); !p.isAfter(to); p = table.nextPeriod(p)) {
            known.get(table).add(p);
        }
        if (!made.isEmpty()) {
            LOG.info("created partitions {}", made);
        }
        return made;
    }

    /** The partitions of a table with their UTC ranges, oldest first (the DEFAULT partition excluded). */
    public static List<PartitionInfo> partitions(Handle handle, PartitionedTable table) {
        return handle.createQuery("SELECT partition_name, range_start, range_end FROM strata_partitions(:t) "
                        + "ORDER BY range_start")
                .bind("t", table.tableName())
                .map((rs, ctx) -> new PartitionInfo(
                        rs.getString(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3).toInstant()))
                .list();
    }

    /**
     * One partition.
     *
     * @param name the partition's table name
     * @param start inclusive start (UTC)
     * @param end exclusive end (UTC)
     */
    public record PartitionInfo(String name, Instant start, Instant end) {}

    /**
     * What one maintenance pass did.
     *
     * @param created partitions created, by table
     * @param dropped partitions dropped, by table
     * @param snapshotsPruned automated snapshots deleted
     */
    public record Report(
            Map<PartitionedTable, List<String>> created,
            Map<PartitionedTable, List<String>> dropped,
            int snapshotsPruned) {
        /** Copies the maps. */
        public Report {
            created = Map.copyOf(created);
            dropped = Map.copyOf(dropped);
        }
    }
}
