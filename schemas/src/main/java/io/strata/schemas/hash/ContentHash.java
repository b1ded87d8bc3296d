package io.strata.schemas.hash;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * The SHA-256 content hash of a state record ({@code NodeInventory}, {@code PostgresState}): equal exactly when the
 * state a user cares about is equal.
 *
 * <p>The hash walks the record field by field and leaves out what changes on every collection without being a change
 * of state: the collection time, the hash itself, uptimes, replication positions and lags, and table and index sizes
 * (those travel as metrics). Map entries are hashed in key order, so the order a collector filled a map in does not
 * matter; arrays are hashed in the order given, so collectors sort them (by name) before hashing.
 */
public final class ContentHash {

    /** Fields whose values move on every collection; they are not part of the state's identity. */
    private static final Set<String> VOLATILE_FIELDS = Set.of(
            "collectedAt",
            "contentHash",
            "uptimeSeconds",
            "replyAt",
            "sentLsn",
            "replayLsn",
            "writeLagBytes",
            "flushLagBytes",
            "replayLagBytes",
            "writeLagMs",
            "flushLagMs",
            "replayLagMs",
            "restartLsn",
            "confirmedFlushLsn",
            "retainedBytes",
            "activePid",
            "receivedLsn",
            "latestEndLsn",
            "lastMessageReceiptAt",
            "tableSizeBytes",
            "indexSizeBytes");

    private ContentHash() {}

    /**
     * Whether a field of that name moves on every collection without being a change of state (collection time,
     * uptime, replication positions and lags, table and index sizes): such fields are neither hashed nor diffed.
     */
    public static boolean isVolatile(String fieldName) {
        return VOLATILE_FIELDS.contains(fieldName);
    }

    /** The lower-case hex SHA-256 of the record's non-volatile content. */
    public static String of(IndexedRecord record) {
        Objects.requireNonNull(record, "record");
        MessageDigest digest = sha256();
        update(digest, record.getSchema(), record);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, Schema schema, Object value) {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    if (VOLATILE_FIELDS.contains(field.name())) {
                        continue;
                    }
                    putString(digest, field.name());
                    update(digest, field.schema(), record.get(field.pos()));
                }
            }
            case UNION -> {
                int branch = GenericData.get().resolveUnion(schema, value);
                putLong(digest, branch);
                update(digest, schema.getTypes().get(branch), value);
            }
            case ARRAY -> {
                Collection<?> items = (Collection<?>) value;
                putLong(digest, items.size());
                for (Object item : items) {
                    update(digest, schema.getElementType(), item);
                }
            }
            case MAP -> {
                Map<String, Object> sorted = new TreeMap<>();
                ((Map<?, ?>) value).forEach((key, item) -> sorted.put(key.toString(), item));
                putLong(digest, sorted.size());
                sorted.forEach((key, item) -> {
                    putString(digest, key);
                    update(digest, schema.getValueType(), item);
                });
            }
            case ENUM ->
                putString(
                        digest,
                        value instanceof GenericEnumSymbol<?> symbol ? symbol.toString() : ((Enum<?>) value).name());
            case STRING -> putString(digest, value.toString());
            case LONG -> putLong(digest, value instanceof Instant instant ? instant.toEpochMilli() : (Long) value);
            case INT -> putLong(digest, ((Number) value).longValue());
            case DOUBLE -> putLong(digest, Double.doubleToLongBits((Double) value));
            case FLOAT -> putLong(digest, Float.floatToIntBits((Float) value));
            case BOOLEAN -> digest.update((byte) ((Boolean) value ? 1 : 0));
            case NULL -> digest.update((byte) 0xFF);
            case BYTES -> {
                ByteBuffer bytes = ((ByteBuffer) value).duplicate();
                putLong(digest, bytes.remaining());
                digest.update(bytes);
            }
            case FIXED -> digest.update(((org.apache.avro.generic.GenericFixed) value).bytes());
        }
    }

    private static void putString(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        putLong(digest, bytes.length);
        digest.update(bytes);
    }

    private static void putLong(MessageDigest digest, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            digest.update((byte) (value >>> shift));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
