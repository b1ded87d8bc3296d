package io.strata.streams.rollup;

import java.nio.charset.StandardCharsets;

/** Reads what {@link StateWriter} wrote; a malformed input fails with {@link IllegalArgumentException}. */
final class StateReader {
    private final byte[] bytes;
    private int position;

    StateReader(byte[] bytes) {
        this.bytes = bytes;
    }

    int readByte() {
        require(1);
        return bytes[position++] & 0xFF;
    }

    long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint in state");
    }

    long readSignedVarLong() {
        long raw = readVarLong();
        return (raw >>> 1) ^ -(raw & 1);
    }

    long readLongBigEndian() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[position++] & 0xFF);
        }
        return value;
    }

    double readDouble() {
        require(8);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (long) (bytes[position++] & 0xFF) << (8 * i);
        }
        return Double.longBitsToDouble(bits);
    }

    String readString() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    byte[] readBytes() {
        long length = readVarLong();
        if (length < 0 || length > bytes.length - position) {
            throw new IllegalArgumentException("truncated state");
        }
        byte[] value = new byte[(int) length];
        System.arraycopy(bytes, position, value, 0, value.length);
        position += value.length;
        return value;
    }

    boolean hasRemaining() {
        return position < bytes.length;
    }

    private void require(int count) {
        if (position + count > bytes.length) {
            throw new IllegalArgumentException("truncated state");
        }
    }
}
