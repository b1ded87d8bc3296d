package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawBatchDecoderTest {

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private final RecordValidator validator = new RecordValidator(ValidationRules.defaults());
    private final RawBatchDecoder decoder = new RawBatchDecoder(validator);

    @Test
    void shouldReadTheCurrentSchema() {
        assertThat(decoder.enabled()).isTrue();
    }

    @Test
    void shouldDecodeFleetBatchesAsAvroDoes() {
        SimulatedFleet fleet = SimulatedFleet.of(7, 3, 40, Duration.ofSeconds(10));
        for (int tick = 0; tick < 3; tick++) {
            for (int node = 0; node < 3; node++) {
                MetricBatch batch = fleet.batch(node, NOW.minusSeconds(600 - 10L * tick), tick);
                byte[] bytes = AvroSerdes.metricBatch().serialize(batch);

                RawBatch fast = decoder.decode(bytes, NOW);

                assertThat(fast).isNotNull();
                assertSame(fast, RawBatch.of(batch));
            }
        }
    }

    @Test
    void shouldShareTheSeriesOfARepeatedLayoutAndNoticeAChangedOne() {
        RawBatch first = decoder.decode(encode(batch(Map.of("device", "sda"), "percent", 1.0)), NOW);
        RawBatch second = decoder.decode(encode(batch(Map.of("device", "sda"), "percent", 2.0)), NOW);
        RawBatch changedLabel = decoder.decode(encode(batch(Map.of("device", "sdb"), "percent", 3.0)), NOW);
        RawBatch changedUnit = decoder.decode(encode(batch(Map.of("device", "sdb"), "bytes", 3.0)), NOW);

        assertThat(second.seriesKeys).isSameAs(first.seriesKeys);
        assertThat(second.values).containsExactly(2.0, 2.0);
        assertThat(changedLabel.seriesKeys).isNotSameAs(first.seriesKeys);
        assertThat(changedLabel.seriesKeys[0].labelsJson()).isEqualTo("{\"device\":\"sdb\"}");
        assertThat(changedUnit.seriesKeys[0].unit()).isEqualTo("bytes");
    }

    @Test
    void shouldKeepStringsThatWouldBreakNaiveSqlVerbatim() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("quote'\"", "O'Brien \"the\" DBA");
        labels.put("tab\t", "a\tb\nc\r\n\\");
        labels.put("sql", "'); DROP TABLE metric_samples; --");
        labels.put("unicode", "Grüße ✓ \u2028");
        MetricBatch batch = batch(labels, null, 1.5);

        RawBatch fast = decoder.decode(encode(batch), NOW);

        assertSame(fast, RawBatch.of(batch));
    }

    @Test
    void shouldLeaveEverythingDoubtfulToTheGeneralPath() {
        byte[] good = encode(batch(Map.of("k", "v"), "percent", 1.0));
        assertThat(decoder.decode(good, NOW)).isNotNull();

        assertThat(decoder.decode(encode(batch(Map.of(), null, Double.NaN)), NOW))
                .isNull();
        assertThat(decoder.decode(encode(batch(Map.of("", "v"), null, 1.0)), NOW))
                .isNull();
        assertThat(decoder.decode(encode(batch(Map.of("k", "v\0"), null, 1.0)), NOW))
                .isNull();
        MetricBatch old = batch(Map.of(), null, 1.0);
        old.getSamples().get(0).setTimestamp(NOW.minus(Duration.ofDays(400)));
        assertThat(decoder.decode(encode(old), NOW)).isNull();
        for (int length = 0; length < good.length; length++) {
            assertThat(decoder.decode(Arrays.copyOf(good, length), NOW)).isNull();
        }
        assertThat(decoder.decode(Arrays.copyOf(good, good.length + 1), NOW)).isNull();
        byte[] otherFingerprint = good.clone();
        otherFingerprint[5] ^= 1;
        assertThat(decoder.decode(otherFingerprint, NOW)).isNull();
        assertThat(decoder.decode(AvroSerdes.metricRollup().serialize(rollup()), NOW))
                .isNull();
    }

    private static io.strata.schemas.avro.MetricRollup rollup() {
        io.strata.schemas.avro.MetricSeries series =
                new io.strata.schemas.avro.MetricSeries("cpu", "load", Map.of(), null, MetricKind.GAUGE);
        return io.strata.schemas.avro.MetricRollup.newBuilder()
                .setNodeId("n")
                .setSeries(series)
                .setTier(io.strata.schemas.avro.RollupTier.HOURLY)
                .setBucketStart(NOW)
                .setBucketEnd(NOW.plusSeconds(3600))
                .setCount(1)
                .setSum(1)
                .setMin(1)
                .setMax(1)
                .setFirst(1)
                .setLast(1)
                .setSketch(java.nio.ByteBuffer.wrap(new byte[0]))
                .setRevision(1)
                .build();
    }

    private static byte[] encode(MetricBatch batch) {
        return AvroSerdes.metricBatch().serialize(batch);
    }

    private static MetricBatch batch(Map<String, String> labels, String unit, double value) {
        List<MetricSample> samples = new ArrayList<>();
        for (String name : List.of("load", "used")) {
            samples.add(MetricSample.newBuilder()
                    .setCategory("cpu")
                    .setName(name)
                    .setLabels(labels)
                    .setValue(value)
                    .setUnit(unit)
                    .setKind(name.equals("used") ? MetricKind.COUNTER : MetricKind.GAUGE)
                    .setTimestamp(NOW.minusSeconds(5))
                    .build());
        }
        return MetricBatch.newBuilder()
                .setNodeId("node-1")
                .setNodeName("node one")
                .setCollectedAt(NOW.minusSeconds(5))
                .setSequence(1)
                .setIntervalMs(10_000L)
                .setSamples(samples)
                .build();
    }

    private static void assertSame(RawBatch actual, RawBatch expected) {
        assertThat(actual.nodeId).isEqualTo(expected.nodeId);
        assertThat(actual.nodeName).isEqualTo(expected.nodeName);
        assertThat(actual.sequence).isEqualTo(expected.sequence);
        assertThat(actual.epochMicros).containsExactly(expected.epochMicros);
        assertThat(actual.values).containsExactly(expected.values);
        assertThat(actual.seriesKeys).hasSameSizeAs(expected.seriesKeys);
        for (int i = 0; i < expected.seriesKeys.length; i++) {
            SeriesKey a = actual.seriesKeys[i];
            SeriesKey e = expected.seriesKeys[i];
            assertThat(List.of(a.nodeKey(), a.category(), a.name(), a.labelsJson(), String.valueOf(a.unit()), a.kind()))
                    .isEqualTo(List.of(
                            e.nodeKey(), e.category(), e.name(), e.labelsJson(), String.valueOf(e.unit()), e.kind()));
        }
    }
}
