package io.strata.streams.rollup;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * State-store keys of rollup buckets: the bucket start (8 bytes, big-endian) followed by the series suffix (node id,
 * category, name and the labels sorted by name, each length-prefixed). Keys therefore sort by bucket start first, so
 * "every bucket that has closed" and "everything past retention" are prefixes of a store's key order, and a day's
 * hourly buckets are found by putting each hour's start in front of the same suffix.
 */
final class BucketKeys {
    private static final int START_BYTES = 8;

    private BucketKeys() {}

    /** The series part of a key. */
    static byte[] seriesSuffix(String nodeId, String category, String name, SortedMap<String, String> labels) {
        StateWriter writer = new StateWriter(32 + nodeId.length() + category.length() + name.length());
        writer.writeString(nodeId).writeString(category).writeString(name).writeVarLong(labels.size());
        for (Map.Entry<String, String> label : labels.entrySet()) {
            writer.writeString(label.getKey()).writeString(label.getValue());
        }
        return writer.toByteArray();
    }

    static Bytes key(long bucketStart, byte[] seriesSuffix) {
        if (bucketStart < 0) {
            throw new IllegalArgumentException("bucket start before the epoch: " + bucketStart);
        }
        byte[] key = new byte[START_BYTES + seriesSuffix.length];
        for (int i = 0; i < START_BYTES; i++) {
            key[i] = (byte) (bucketStart >>> (56 - 8 * i));
        }
        System.arraycopy(seriesSuffix, 0, key, START_BYTES, seriesSuffix.length);
        return Bytes.wrap(key);
    }

    static long bucketStart(Bytes key) {
        return new StateReader(key.get()).readLongBigEndian();
    }

    static byte[] seriesSuffix(Bytes key) {
        byte[] bytes = key.get();
        return Arrays.copyOfRange(bytes, START_BYTES, bytes.length);
    }
}
