package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketAccumulatorTest {

    private static final double ACCURACY = 0.01;

    private record Sample(long timestamp, double value) {}

    @Test
    void shouldAggregateGaugeWithFirstAndLastByTimestampNotArrival() {
        BucketAccumulator bucket = BucketAccumulator.create(false, ACCURACY);
        bucket.add(2_000, 5.0);
        bucket.add(1_000, 7.0); // earlier, arrives later
        bucket.add(3_000, 1.0);
        bucket.add(2_500, 9.0);

        assertThat(bucket.count()).isEqualTo(4);
        assertThat(bucket.sum()).isEqualTo(22.0);
        assertThat(bucket.min()).isEqualTo(1.0);
        assertThat(bucket.max()).isEqualTo(9.0);
        assertThat(bucket.first()).isEqualTo(7.0);
        assertThat(bucket.firstTimestamp()).isEqualTo(1_000);
        assertThat(bucket.last()).isEqualTo(1.0);
        assertThat(bucket.lastTimestamp()).isEqualTo(3_000);
        assertThat(bucket.increase()).isNull();
    }

    @Test
    void shouldCountIncreaseAcrossCounterReset() {
        BucketAccumulator bucket = BucketAccumulator.create(true, ACCURACY);
        for (double value : new double[] {10, 15, 20, 3, 8}) {
            bucket.add((long) (bucket.count() * 10_000), value);
        }
        // 5 + 5 + (reset: 3 from zero) + 5
        assertThat(bucket.increase()).isEqualTo(18.0);
    }

    @Test
    void shouldComputeTheSameIncreaseWhateverTheArrivalOrder() {
        Random random = new Random(42);
        List<Sample> samples = counterSamples(random, 300);
        double expected = referenceIncrease(samples);
        for (int round = 0; round < 20; round++) {
            List<Sample> shuffled = new ArrayList<>(samples);
            Collections.shuffle(shuffled, random);
            BucketAccumulator bucket = BucketAccumulator.create(true, ACCURACY);
            shuffled.forEach(sample ->
                    assertThat(bucket.add(sample.timestamp(), sample.value())).isTrue());
            assertThat(bucket.increase()).isEqualTo(expected);
            assertThat(bucket.first()).isEqualTo(samples.get(0).value());
            assertThat(bucket.last()).isEqualTo(samples.get(samples.size() - 1).value());
        }
    }

    @Test
    void shouldStayExactForLateSamplesOutsideACompactedCountersRange() {
        List<Sample> samples = List.of(
                new Sample(0, 100), new Sample(10, 110), new Sample(20, 5), new Sample(30, 15), new Sample(40, 30));
        BucketAccumulator bucket = BucketAccumulator.create(true, ACCURACY);
        samples.subList(1, 4).forEach(sample -> bucket.add(sample.timestamp(), sample.value()));
        bucket.compact();

        assertThat(bucket.add(40, 30)).isTrue(); // after the last
        assertThat(bucket.add(0, 100)).isTrue(); // before the first
        assertThat(bucket.increase()).isEqualTo(referenceIncrease(samples));
        assertThat(bucket.first()).isEqualTo(100);
        assertThat(bucket.last()).isEqualTo(30);
    }

    @Test
    void shouldReportAnInteriorLateSampleInACompactedCounter() {
        BucketAccumulator bucket = BucketAccumulator.create(true, ACCURACY);
        bucket.add(0, 1);
        bucket.add(20, 3);
        bucket.compact();

        assertThat(bucket.add(10, 2)).isFalse();
        assertThat(bucket.count()).isEqualTo(3);
        assertThat(bucket.sum()).isEqualTo(6);
    }

    @Test
    void shouldMergeBucketsHoldingSamplesExactly() {
        Random random = new Random(7);
        List<Sample> samples = counterSamples(random, 200);
        List<Sample> shuffled = new ArrayList<>(samples);
        Collections.shuffle(shuffled, random);
        BucketAccumulator left = BucketAccumulator.create(true, ACCURACY);
        BucketAccumulator right = BucketAccumulator.create(true, ACCURACY);
        for (int i = 0; i < shuffled.size(); i++) {
            (i % 2 == 0 ? left : right)
                    .add(shuffled.get(i).timestamp(), shuffled.get(i).value());
        }

        BucketAccumulator merged = left.merge(right);

        assertAggregates(merged, samples);
    }

    @Test
    void shouldMergeConsecutiveCompactedBucketsCountingTheStepBetweenThem() {
        Random random = new Random(11);
        List<Sample> samples = counterSamples(random, 240);
        List<BucketAccumulator> hours = new ArrayList<>();
        for (int hour = 0; hour < 4; hour++) {
            BucketAccumulator bucket = BucketAccumulator.create(true, ACCURACY);
            samples.subList(hour * 60, hour * 60 + 60)
                    .forEach(sample -> bucket.add(sample.timestamp(), sample.value()));
            bucket.compact();
            hours.add(BucketAccumulator.decode(bucket.encode()));
        }
        // A later hour may also be merged into an earlier one's left side.
        BucketAccumulator day =
                hours.get(1).merge(hours.get(2)).merge(hours.get(0)).merge(hours.get(3));

        assertAggregates(day, samples);
    }

    @Test
    void shouldRefuseToMergeOverlappingCompactedCounters() {
        BucketAccumulator left = BucketAccumulator.create(true, ACCURACY);
        left.add(0, 1);
        left.add(20, 2);
        left.compact();
        BucketAccumulator right = BucketAccumulator.create(true, ACCURACY);
        right.add(10, 5);

        assertThatThrownBy(() -> left.merge(right)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseToMergeAGaugeWithACounter() {
        BucketAccumulator gauge = BucketAccumulator.create(false, ACCURACY);
        gauge.add(0, 1);
        BucketAccumulator counter = BucketAccumulator.create(true, ACCURACY);
        counter.add(0, 1);

        assertThatThrownBy(() -> gauge.merge(counter)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripThroughTheStateEncoding() {
        Random random = new Random(3);
        List<Sample> samples = counterSamples(random, 50);
        BucketAccumulator counter = BucketAccumulator.create(true, ACCURACY);
        samples.forEach(sample -> counter.add(sample.timestamp(), sample.value()));
        BucketAccumulator gauge = BucketAccumulator.create(false, ACCURACY);
        samples.forEach(sample -> gauge.add(sample.timestamp(), -sample.value()));

        BucketAccumulator counterCopy = BucketAccumulator.decode(counter.encode());
        BucketAccumulator gaugeCopy = BucketAccumulator.decode(gauge.encode());

        assertThat(counterCopy.holdsSamples()).isTrue();
        assertAggregates(counterCopy, samples);
        assertThat(counterCopy.encode()).isEqualTo(counter.encode());
        assertThat(gaugeCopy.encode()).isEqualTo(gauge.encode());
        assertThat(gaugeCopy.isCounter()).isFalse();
        assertThat(gaugeCopy.sketch().getValueAtQuantile(0.5))
                .isEqualTo(gauge.sketch().getValueAtQuantile(0.5));
        // A late sample into the decoded copy behaves as into the original.
        counterCopy.add(samples.get(10).timestamp() + 1, 0);
        counter.add(samples.get(10).timestamp() + 1, 0);
        assertThat(counterCopy.increase()).isEqualTo(counter.increase());
    }

    @Test
    void shouldRejectCorruptState() {
        byte[] bytes = BucketAccumulator.create(false, ACCURACY).encode();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> BucketAccumulator.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BucketAccumulator.decode(new byte[] {9, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertAggregates(BucketAccumulator bucket, List<Sample> samples) {
        List<Sample> ordered = new ArrayList<>(samples);
        ordered.sort(Comparator.comparingLong(Sample::timestamp));
        assertThat(bucket.count()).isEqualTo(samples.size());
        assertThat(bucket.sum())
                .isEqualTo(ordered.stream().mapToDouble(Sample::value).sum());
        assertThat(bucket.min())
                .isEqualTo(ordered.stream().mapToDouble(Sample::value).min().orElseThrow());
        assertThat(bucket.max())
                .isEqualTo(ordered.stream().mapToDouble(Sample::value).max().orElseThrow());
        assertThat(bucket.first()).isEqualTo(ordered.get(0).value());
        assertThat(bucket.last()).isEqualTo(ordered.get(ordered.size() - 1).value());
        assertThat(bucket.increase()).isCloseTo(referenceIncrease(ordered), within(0.0));
        assertThat(bucket.sketch().getCount()).isEqualTo(samples.size());
    }

    /** Values are multiples of 1/4, so sums are exact in any order. */
    private static List<Sample> counterSamples(Random random, int count) {
        List<Sample> samples = new ArrayList<>();
        double value = 1000;
        for (int i = 0; i < count; i++) {
            value = random.nextInt(25) == 0 ? random.nextInt(40) / 4.0 : value + random.nextInt(100) / 4.0;
            samples.add(new Sample(i * 15_000L, value));
        }
        return samples;
    }

    static double referenceIncrease(List<Sample> ordered) {
        double increase = 0;
        for (int i = 1; i < ordered.size(); i++) {
            double previous = ordered.get(i - 1).value();
            double next = ordered.get(i).value();
            increase += next >= previous ? next - previous : next;
        }
        return increase;
    }
}
