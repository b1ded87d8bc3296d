package io.strata.streams.rollup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends the primitives of Strata's state-store encodings: varints, fixed doubles and longs, strings. */
final class StateWriter {
    private byte[] buffer;
    private int size;

    StateWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    StateWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    /** Unsigned LEB128; negative values take ten bytes, so use {@link #writeSignedVarLong} for those. */
    StateWriter writeVarLong(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    StateWriter writeSignedVarLong(long value) {
        return writeVarLong((value << 1) ^ (value >> 63));
    }

    /** Big-endian, so that encoded keys sort by this value (non-negative values only). */
    StateWriter writeLongBigEndian(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    StateWriter writeDouble(double value) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(value);
        for (int i = 0; i < 8; i++) {
            buffer[size++] = (byte) (bits >>> (8 * i));
        }
        return this;
    }

    StateWriter writeString(String value) {
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Length-prefixed bytes. */
    StateWriter writeBytes(byte[] value) {
        writeVarLong(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
