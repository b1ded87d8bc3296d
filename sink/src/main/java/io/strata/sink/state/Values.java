package io.strata.sink.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.SqlStatement;

/** Normalising of probe values, so one odd value is stored as NULL instead of failing a whole batch. */
final class Values {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Values() {}

    /** Lower-case, trimmed; NULL when blank or not a simple identifier (the columns' CHECK). */
    static String identifier(String value) {
        String v = lower(value);
        return v != null && IDENTIFIER.matcher(v).matches() ? v : null;
    }

    /** Lower-case, trimmed; NULL unless one of the allowed values. */
    static String oneOf(String value, Set<String> allowed) {
        String v = lower(value);
        return v != null && allowed.contains(v) ? v : null;
    }

    static String sha256(String value) {
        String v = lower(value);
        return v != null && SHA256.matcher(v).matches() ? v : null;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static Integer nonNegative(Integer value) {
        return value == null || value < 0 ? null : value;
    }

    static Long nonNegative(Long value) {
        return value == null || value < 0 ? null : value;
    }

    static Double nonNegative(Double value) {
        return value == null || value < 0 || value.isNaN() || value.isInfinite() ? null : value;
    }

    static Integer port(Integer value) {
        return value == null || value < 0 || value > 65535 ? null : value;
    }

    /**
     * Binds a string map as two arrays, {@code <name>_k} and {@code <name>_v}; the SQL builds the JSONB with
     * {@code jsonb_object(CAST(:<name>_k AS text[]), CAST(:<name>_v AS text[]))}, so no JSON is built by hand.
     */
    static void bindMap(SqlStatement<?> statement, String name, Map<String, String> map) {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (map != null) {
            map.forEach((k, v) -> {
                keys.add(k);
                values.add(v);
            });
        }
        statement.bindArray(name + "_k", String.class, keys);
        statement.bindArray(name + "_v", String.class, values);
    }

    /** The SQL expression reading a map bound by {@link #bindMap}. */
    static String jsonb(String name) {
        return "jsonb_object(CAST(:" + name + "_k AS text[]), CAST(:" + name + "_v AS text[]))";
    }

    private static String lower(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.trim().toLowerCase(Locale.ROOT);
    }
}
