package io.strata.producer.collect;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * Turns Avro records into plain trees (maps in field order, lists, strings, numbers, booleans) that Jackson can
 * print: timestamps become ISO-8601 strings, enums their symbol, bytes Base64, and Avro maps are sorted by key so the
 * same content always prints the same way.
 */
public final class AvroTree {

    private AvroTree() {}

    /** The tree of an Avro value (a record, array, map or scalar). */
    public static Object of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof IndexedRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                fields.put(field.name(), of(record.get(field.pos())));
            }
            return fields;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, item) -> sorted.put(String.valueOf(key), of(item)));
            return sorted;
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(of(item)));
            return list;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericContainer) {
            return value.toString();
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value; // Number, Boolean
    }
}
