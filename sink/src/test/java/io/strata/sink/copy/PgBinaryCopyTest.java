package io.strata.sink.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PgBinaryCopyTest {

    @Test
    void shouldFrameAnEmptyBufferWithHeaderAndTrailerOnly() {
        byte[] bytes = PgBinaryCopy.encode(new SampleBuffer());

        assertThat(bytes).hasSize(PgBinaryCopy.FRAME_BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte[] signature = new byte[11];
        buffer.get(signature);
        assertThat(signature).containsExactly('P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xFF, '\r', '\n', 0);
        assertThat(buffer.getInt()).as("flags").isZero();
        assertThat(buffer.getInt()).as("header extension").isZero();
        assertThat(buffer.getShort()).as("trailer").isEqualTo((short) -1);
    }

    @Test
    void shouldEncodeEachRowAsThreeEightByteFieldsWithPostgresEpochTimestamps() {
        SampleBuffer rows = new SampleBuffer(1);
        rows.add(42L, Instant.parse("2000-01-01T00:00:01.000002Z"), 1.25);
        rows.add(-7L, Instant.parse("1999-12-31T23:59:59Z"), -0.5);

        ByteBuffer buffer = ByteBuffer.wrap(PgBinaryCopy.encode(rows));

        assertThat(buffer.remaining()).isEqualTo(PgBinaryCopy.FRAME_BYTES + 2 * PgBinaryCopy.ROW_BYTES);
        buffer.position(19);
        assertThat(buffer.getShort()).isEqualTo((short) 3);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(buffer.getLong()).isEqualTo(42L);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(buffer.getLong()).isEqualTo(1_000_002L);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(Double.longBitsToDouble(buffer.getLong())).isEqualTo(1.25);
        assertThat(buffer.getShort()).isEqualTo((short) 3);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(buffer.getLong()).isEqualTo(-7L);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(buffer.getLong()).as("before 2000 is negative").isEqualTo(-1_000_000L);
        assertThat(buffer.getInt()).isEqualTo(8);
        assertThat(Double.longBitsToDouble(buffer.getLong())).isEqualTo(-0.5);
        assertThat(buffer.getShort()).isEqualTo((short) -1);
        assertThat(buffer.hasRemaining()).isFalse();
    }

    @Test
    void shouldKeepMicrosecondsAndRoundNanosecondsDown() {
        assertThat(SampleBuffer.toEpochMicros(Instant.parse("1970-01-01T00:00:00.000001999Z")))
                .isEqualTo(1L);
        assertThat(SampleBuffer.toEpochMicros(Instant.parse("1969-12-31T23:59:59.999999Z")))
                .isEqualTo(-1L);
    }

    @Test
    void shouldGrowAndRejectIndexesOutsideTheRows() {
        SampleBuffer rows = new SampleBuffer(0);
        for (int i = 0; i < 1000; i++) {
            rows.add(i, i * 10L, i / 4.0);
        }
        assertThat(rows.size()).isEqualTo(1000);
        assertThat(rows.seriesId(999)).isEqualTo(999);
        assertThat(rows.epochMicros(999)).isEqualTo(9990);
        assertThat(rows.value(999)).isEqualTo(249.75);
        assertThatThrownBy(() -> rows.value(1000)).isInstanceOf(IndexOutOfBoundsException.class);
        rows.clear();
        assertThat(rows.isEmpty()).isTrue();
    }
}
