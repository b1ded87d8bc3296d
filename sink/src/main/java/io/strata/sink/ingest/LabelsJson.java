package io.strata.sink.ingest;

import java.util.Arrays;
import java.util.Map;

/**
 * Labels as a canonical JSON object (keys sorted, minimal escaping), the text bound to {@code metric_series.labels}.
 * Every character is kept: quotes, backslashes and control characters are escaped as JSON requires, so {@code jsonb}
 * stores the strings verbatim.
 */
final class LabelsJson {

    private LabelsJson() {}

    static String of(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder(32 * labels.size()).append('{');
        String[] keys = labels.keySet().toArray(new String[0]);
        if (keys.length > 1) {
            Arrays.sort(keys);
        }
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            string(json, keys[i]).append(':');
            string(json, labels.get(keys[i]));
        }
        return json.append('}').toString();
    }

    /** Whether {@code value} needs no escaping (the common case). */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        if (plain(value)) {
            return json.append(value).append('"');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
