package io.strata.e2e.corpus;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The good records the corpus is injected between, and what they must become: the fleet's raw batches
 * ({@link Corpus#FLEET}, {@link Corpus#GOOD_TICKS} ticks from {@link Corpus#REFERENCE}), its inventories and
 * PostgreSQL states, change events, and rollups of a series of its own ({@code corpus-good/rollup}).
 */
final class GoodLoad {

    static final int CHANGE_EVENTS = 20;
    static final int HOURLY_PER_NODE = 24;
    static final int DAILY_PER_NODE = 5;
    static final String ROLLUP_CATEGORY = "corpus-good";

    private GoodLoad() {}

    /** One good record. */
    record Good(String topic, String key, byte[] value) {}

    static Instant tick(int tick) {
        return Corpus.REFERENCE.plus(Corpus.FLEET.interval().multipliedBy(tick));
    }

    /** The fleet's raw batches, tick by tick; sequence = tick + 1. */
    static List<Good> raw(int ticks) {
        SimulatedFleet fleet = Corpus.FLEET;
        List<Good> records = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            for (int node = 0; node < fleet.nodeCount(); node++) {
                records.add(
                        new Good(Corpus.RAW, fleet.nodeId(node), Corpus.serialize(fleet.batch(node, tick(t), t + 1))));
            }
        }
        return records;
    }

    static List<Good> inventories() {
        List<Good> records = new ArrayList<>();
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            records.add(new Good(
                    Corpus.INVENTORY, Corpus.FLEET.nodeId(node), Corpus.serialize(Corpus.FLEET.inventory(node))));
        }
        return records;
    }

    /** Setting {@code work_mem} of node n is {@code (n + 1)MB}. */
    static List<Good> postgresStates() {
        List<Good> records = new ArrayList<>();
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            String id = Corpus.FLEET.nodeId(node);
            records.add(new Good(
                    Corpus.PGSTATE, id, Corpus.serialize(Corpus.postgresState(id, "18.1", "work_mem", workMem(node)))));
        }
        return records;
    }

    static String workMem(int node) {
        return (node + 1) + "MB";
    }

    static List<Good> changes() {
        List<Good> records = new ArrayList<>();
        for (int i = 0; i < CHANGE_EVENTS; i++) {
            ChangeEvent event = changeEvent(i);
            records.add(new Good(Corpus.CHANGES, event.getNodeId(), Corpus.serialize(event)));
        }
        return records;
    }

    static ChangeEvent changeEvent(int i) {
        return Corpus.changeEvent(Corpus.FLEET.nodeId(i % Corpus.FLEET.nodeCount()), "good change " + i);
    }

    /** Hourly rollups (sum 10, count 4) of every fleet node's good series, one per hour of the first day. */
    static List<Good> hourly() {
        List<Good> records = new ArrayList<>();
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            for (int hour = 0; hour < HOURLY_PER_NODE; hour++) {
                records.add(rollup(node, RollupTier.HOURLY, Duration.ofHours(hour - 2)));
            }
        }
        return records;
    }

    /** Daily rollups (sum 10, count 4) of every fleet node's good series, the days before the data. */
    static List<Good> daily() {
        List<Good> records = new ArrayList<>();
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            for (int day = 0; day < DAILY_PER_NODE; day++) {
                records.add(rollup(node, RollupTier.DAILY, Duration.ofDays(-day)));
            }
        }
        return records;
    }

    private static Good rollup(int node, RollupTier tier, Duration shift) {
        MetricSeries series = MetricSeries.newBuilder()
                .setCategory(ROLLUP_CATEGORY)
                .setName("rollup")
                .setLabels(Map.of())
                .setUnit("count")
                .setKind(MetricKind.GAUGE)
                .build();
        // Corpus.rollup's bucket is hour 2 (hourly) or day 0 (daily); shift it.
        MetricRollup rollup = Corpus.rollup(Corpus.FLEET.nodeId(node), series, tier);
        rollup.setBucketStart(rollup.getBucketStart().plus(shift));
        rollup.setBucketEnd(rollup.getBucketEnd().plus(shift));
        return new Good(
                tier == RollupTier.HOURLY ? Corpus.HOURLY : Corpus.DAILY,
                Corpus.FLEET.nodeId(node),
                Corpus.serialize(rollup));
    }

    /** The sum of every good sample of {@code node} in ticks {@code [from, to)}. */
    static double sum(int node, int from, int to) {
        double sum = 0;
        for (int t = from; t < to; t++) {
            for (int s = 0; s < Corpus.FLEET.metricsPerNode(); s++) {
                sum += Corpus.FLEET.value(node, s, tick(t));
            }
        }
        return sum;
    }

    /** The sum of series {@code s} of {@code node} in ticks {@code [from, to)}. */
    static double seriesSum(int node, int s, int from, int to) {
        double sum = 0;
        for (int t = from; t < to; t++) {
            sum += Corpus.FLEET.value(node, s, tick(t));
        }
        return sum;
    }

    /** Interleaves {@code bad} into {@code good}: one bad record after every {@code good.size() / (bad + 1)}. */
    static <B> List<Object> interleave(List<Good> good, List<B> bad) {
        List<Object> all = new ArrayList<>(good.size() + bad.size());
        int every = Math.max(1, good.size() / (bad.size() + 1));
        int next = 0;
        for (int i = 0; i < good.size(); i++) {
            all.add(good.get(i));
            if ((i + 1) % every == 0 && next < bad.size()) {
                all.add(bad.get(next++));
            }
        }
        all.addAll(bad.subList(next, bad.size()));
        return all;
    }
}
