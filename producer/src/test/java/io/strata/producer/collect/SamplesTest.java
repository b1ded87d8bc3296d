package io.strata.producer.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SamplesTest {

    private final Instant now = Instant.parse("2026-11-22T00:00:10Z");

    @Test
    void shouldStampEverySampleWithTheRoundTimeKindUnitAndLabels() {
        Samples samples = new Samples(now);
        samples.gauge("memory", "used_bytes", "bytes", 42);
        samples.counter("disk", "read_bytes", "bytes", 7, "device", "/dev/vda");

        assertThat(samples.toList())
                .containsExactly(
                        new MetricSample(
                                "memory", "used_bytes", java.util.Map.of(), 42.0, "bytes", MetricKind.GAUGE, now),
                        new MetricSample(
                                "disk",
                                "read_bytes",
                                java.util.Map.of("device", "/dev/vda"),
                                7.0,
                                "bytes",
                                MetricKind.COUNTER,
                                now));
    }

    @Test
    void shouldLeaveOutValuesThatAreNotNumbers() {
        Samples samples = new Samples(now);
        samples.gauge("cpu", "utilization", "percent", Double.NaN);

        assertThat(samples.size()).isZero();
    }

    @Test
    void shouldRejectAnOddLabelList() {
        assertThatThrownBy(() -> new Samples(now).gauge("cpu", "x", null, 1, "mode"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
