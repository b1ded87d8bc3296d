package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class StateEncodingTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void shouldSortKeysByBucketStartFirst() {
        byte[] a = BucketKeys.seriesSuffix("node-b", "cpu", "load", new TreeMap<>());
        byte[] b = BucketKeys.seriesSuffix("node-a", "cpu", "load", new TreeMap<>(Map.of("core", "c1")));
        List<Bytes> keys = new ArrayList<>(List.of(
                BucketKeys.key(3 * HOUR, a),
                BucketKeys.key(1_000_000 * HOUR, b),
                BucketKeys.key(2 * HOUR, b),
                BucketKeys.key(256 * HOUR, a)));

        keys.sort(Bytes::compareTo);

        assertThat(keys)
                .extracting(BucketKeys::bucketStart)
                .containsExactly(2 * HOUR, 3 * HOUR, 256 * HOUR, 1_000_000 * HOUR);
        assertThat(BucketKeys.seriesSuffix(keys.get(0))).isEqualTo(b);
    }

    @Test
    void shouldTellSeriesApartByEveryPartOfTheirIdentity() {
        TreeMap<String, String> labels = new TreeMap<>(Map.of("device", "sda"));
        byte[] base = BucketKeys.seriesSuffix("n", "disk", "read", labels);

        assertThat(BucketKeys.seriesSuffix("n", "disk", "read", new TreeMap<>(Map.of("device", "sdb"))))
                .isNotEqualTo(base);
        assertThat(BucketKeys.seriesSuffix("n", "disk", "write", labels)).isNotEqualTo(base);
        assertThat(BucketKeys.seriesSuffix("n2", "disk", "read", labels)).isNotEqualTo(base);
        // Length prefixes: "ab"+"c" is not "a"+"bc".
        assertThat(BucketKeys.seriesSuffix("n", "ab", "c", labels))
                .isNotEqualTo(BucketKeys.seriesSuffix("n", "a", "bc", labels));
    }

    @Test
    void shouldRefuseBucketsBeforeTheEpoch() {
        assertThatThrownBy(() -> BucketKeys.key(-HOUR, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripAnHourlyBucket() {
        BucketAccumulator accumulator = BucketAccumulator.create(true, 0.01);
        accumulator.add(1_000, 5);
        accumulator.add(2_000, 2);
        HourlyBucket bucket = new HourlyBucket(
                "node-1",
                "network",
                "rx_bytes",
                new TreeMap<>(Map.of("interface", "eth0")),
                "bytes",
                10_000,
                3,
                accumulator);

        HourlyBucket copy = HourlyBucket.serde()
                .deserializer()
                .deserialize("t", HourlyBucket.serde().serializer().serialize("t", bucket));

        assertThat(copy.nodeId()).isEqualTo("node-1");
        assertThat(copy.category()).isEqualTo("network");
        assertThat(copy.name()).isEqualTo("rx_bytes");
        assertThat(copy.labels()).isEqualTo(Map.of("interface", "eth0"));
        assertThat(copy.unit()).isEqualTo("bytes");
        assertThat(copy.intervalMs()).isEqualTo(10_000);
        assertThat(copy.revision()).isEqualTo(3);
        assertThat(copy.accumulator().encode()).isEqualTo(accumulator.encode());
        assertThat(copy.encode()).isEqualTo(bucket.encode());
    }

    @Test
    void shouldRoundTripABucketWithoutUnit() {
        HourlyBucket bucket =
                new HourlyBucket("n", "c", "x", new TreeMap<>(), null, 0, 0, BucketAccumulator.create(false, 0.05));

        HourlyBucket copy = HourlyBucket.decode(bucket.encode());

        assertThat(copy.unit()).isNull();
        assertThat(copy.labels()).isEmpty();
        assertThat(copy.accumulator().isCounter()).isFalse();
    }
}
