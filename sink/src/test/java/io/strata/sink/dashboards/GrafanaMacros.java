package io.strata.sink.dashboards;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the Grafana PostgreSQL data source's macros and template variables into plain SQL, the way Grafana does
 * before it sends a query: {@code $__timeFilter(col)} becomes {@code col BETWEEN 'from' AND 'to'}, {@code
 * $__timeFrom()} / {@code $__timeTo()} quoted RFC 3339 instants, {@code $__interval_ms} milliseconds, {@code
 * $__interval} a duration like {@code 30s}, {@code ${name:sqlstring}} a quoted literal and {@code ${name}} / {@code
 * $name} the raw value. Anything else that looks like a macro is rejected, so a query never reaches the database
 * half-expanded.
 */
record GrafanaMacros(Instant from, Instant to, Map<String, String> variables) {

    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^()]+)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::(\\w+))?}|\\$(\\w+)");

    GrafanaMacros {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        variables = Map.copyOf(variables);
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("empty time range " + from + " .. " + to);
        }
    }

    /** Grafana's interval: the range over about 1000 points, at least a second. */
    long intervalMs() {
        return Math.max(1000, Duration.between(from, to).toMillis() / 1000);
    }

    String expand(String sql) {
        String text = TIME_FILTER
                .matcher(sql)
                .replaceAll(m -> Matcher.quoteReplacement(
                        m.group(1).strip() + " BETWEEN " + quoted(from.toString()) + " AND " + quoted(to.toString())));
        text = text.replace("$__timeFrom()", quoted(from.toString()))
                .replace("$__timeTo()", quoted(to.toString()))
                .replace("$__interval_ms", Long.toString(intervalMs()))
                .replace("$__interval", intervalMs() / 1000 + "s");
        if (text.contains("$__")) {
            throw new IllegalArgumentException("unknown Grafana macro in: " + text);
        }
        return VARIABLE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(variable(m)));
    }

    private String variable(MatchResult m) {
        String name = m.group(1) != null ? m.group(1) : m.group(3);
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalArgumentException("undefined template variable $" + name);
        }
        String format = m.group(2);
        if (format == null || format.equals("raw")) {
            return value;
        }
        if (format.equals("sqlstring")) {
            return quoted(value);
        }
        throw new IllegalArgumentException("unsupported variable format ${" + name + ":" + format + "}");
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
