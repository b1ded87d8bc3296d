package io.strata.streams.changes;

import io.strata.schemas.hash.ContentHash;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro state records seen as table rows: column name (snake_case, as in the PostgreSQL tables) to a plain value.
 * Volatile fields (see {@link ContentHash#isVolatile(String)}) and the free-form {@code metadata} map are left out,
 * so that two rows are equal exactly when the state a user cares about is equal.
 */
final class Rows {

    private static final Set<String> NOT_STATE = Set.of("metadata");

    private Rows() {}

    /** The row of a record, in schema order; nested records and arrays are not expected in a row and are skipped. */
    static Map<String, Object> of(IndexedRecord record) {
        return of(record, List.of());
    }

    /** The row of a record limited to the given fields (empty list = every field). */
    static Map<String, Object> of(IndexedRecord record, List<String> onlyFields) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            if (ContentHash.isVolatile(field.name()) || NOT_STATE.contains(field.name())) {
                continue;
            }
            if (!onlyFields.isEmpty() && !onlyFields.contains(field.name())) {
                continue;
            }
            Object value = record.get(field.pos());
            if (value instanceof IndexedRecord || value instanceof List<?> || value instanceof Map<?, ?>) {
                continue;
            }
            row.put(column(field.name()), plain(value));
        }
        return row;
    }

    /** {@code ipv4Address} → {@code ipv4_address}, {@code isPrimary} → {@code is_primary}. */
    static String column(String fieldName) {
        StringBuilder column = new StringBuilder(fieldName.length() + 4);
        for (char c : fieldName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                column.append('_').append(Character.toLowerCase(c));
            } else {
                column.append(c);
            }
        }
        return column.toString();
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] array = new byte[copy.remaining()];
            copy.get(array);
            return Base64.getEncoder().encodeToString(array);
        }
        return value.toString();
    }
}
