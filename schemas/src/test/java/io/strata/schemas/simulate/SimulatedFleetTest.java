package io.strata.schemas.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.hash.ContentHash;
import io.strata.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedFleetTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private final SimulatedFleet fleet = SimulatedFleet.of(42, 5, 20, INTERVAL);

    @Test
    void shouldGiveTheSameValuesForTheSameInputs() {
        SimulatedFleet again = SimulatedFleet.of(42, 5, 20, INTERVAL);
        SimulatedFleet otherSeed = SimulatedFleet.of(43, 5, 20, INTERVAL);

        int differing = 0;
        for (int tick = 0; tick < 100; tick++) {
            Instant at = T0.plus(INTERVAL.multipliedBy(tick));
            for (int series = 0; series < 20; series++) {
                assertThat(again.value(2, series, at)).isEqualTo(fleet.value(2, series, at));
                differing += otherSeed.value(2, series, at) != fleet.value(2, series, at) ? 1 : 0;
            }
        }
        assertThat(differing).as("another seed gives other values").isGreaterThan(1000);
    }

    @Test
    void shouldKeepGaugesInQuartersAndCountersWholeAndIncreasingBetweenResets() {
        int resets = 0;
        for (int series = 0; series < 20; series++) {
            MetricKind kind = fleet.series(0, series).kind();
            double previous = Double.NaN;
            for (int tick = 0; tick < 20_000; tick++) {
                double value = fleet.value(0, series, T0.plus(INTERVAL.multipliedBy(tick)));
                assertThat(value * 4).isEqualTo(Math.rint(value * 4));
                assertThat(value).isGreaterThanOrEqualTo(0);
                if (kind == MetricKind.COUNTER) {
                    assertThat(value).isEqualTo(Math.rint(value));
                    if (!Double.isNaN(previous) && value < previous) {
                        resets++;
                    }
                }
                previous = value;
            }
        }
        assertThat(resets).as("counters reset now and then").isGreaterThan(5);
    }

    @Test
    void shouldGiveEverySeriesOfANodeItsOwnIdentity() {
        Set<SeriesSpec> identities = new HashSet<>();
        for (int series = 0; series < 20; series++) {
            identities.add(fleet.series(1, series));
        }
        assertThat(identities).hasSize(20);
        assertThat(fleet.nodeId(1)).isNotEqualTo(fleet.nodeId(2)).isEqualTo("sim-00042-0001");
    }

    @Test
    void shouldBuildBatchesThatRoundTripThroughTheSerde() {
        MetricBatch batch = fleet.batch(3, T0.plusMillis(4_321), 7);

        assertThat(batch.getCollectedAt()).isEqualTo(T0);
        assertThat(batch.getSequence()).isEqualTo(7);
        assertThat(batch.getIntervalMs()).isEqualTo(10_000L);
        assertThat(batch.getSamples()).hasSize(20);
        MetricSample first = batch.getSamples().get(0);
        assertThat(first.getValue()).isEqualTo(fleet.value(3, 0, T0));
        assertThat(first.getTimestamp()).isEqualTo(T0);
        byte[] bytes = AvroSerdes.metricBatch().serialize(batch);
        assertThat(AvroSerdes.metricBatch().deserialize("t", bytes)).isEqualTo(batch);
    }

    @Test
    void shouldCountAlignedTicks() {
        assertThat(fleet.tickCount(T0, T0.plus(Duration.ofHours(1)))).isEqualTo(360);
        assertThat(fleet.tickCount(T0.plusMillis(1), T0.plus(Duration.ofHours(1))))
                .isEqualTo(360);
        assertThat(fleet.alignedTick(T0.plusMillis(9_999))).isEqualTo(T0);
    }

    @Test
    void shouldBuildAStableInventoryWithItsContentHash() {
        NodeInventory inventory = fleet.inventory(4);

        assertThat(inventory.getContentHash())
                .isEqualTo(ContentHash.of(inventory))
                .hasSize(64);
        assertThat(fleet.inventory(4)).isEqualTo(inventory);
        assertThat(fleet.inventory(3).getContentHash()).isNotEqualTo(inventory.getContentHash());
        assertThat(inventory.getInterfaces()).anyMatch(i -> i.getIsPrimary());
        assertThat(AvroSerdes.nodeInventory()
                        .deserialize("t", AvroSerdes.nodeInventory().serialize(inventory)))
                .isEqualTo(inventory);
    }

    @Test
    void shouldRejectOutOfRangeArguments() {
        assertThatThrownBy(() -> fleet.value(5, 0, T0)).hasMessageContaining("node must be in [0, 5)");
        assertThatThrownBy(() -> fleet.series(0, 20)).hasMessageContaining("series must be in [0, 20)");
        assertThatThrownBy(() -> SimulatedFleet.of(1, 0, 1, INTERVAL)).hasMessageContaining("nodes must be >= 1");
    }
}
