package io.strata.sink.ingest;

import java.util.Map;
import java.util.TreeMap;

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
        boolean first = true;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, label.getKey()).append(':');
            string(json, label.getValue());
        }
        return json.append('}').toString();
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
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
