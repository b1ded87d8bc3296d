package io.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable result: one row per figure, columns padded to their widest cell. */
final class ResultTable {

    private static final String[] HEADER = {"measurement", "value", "unit", "vs ceiling", "goal", "met"};

    private final List<String[]> rows = new ArrayList<>();

    /** A row; {@code ratio}, {@code goal} and {@code met} may be null (then left blank). */
    ResultTable row(String measurement, double value, String unit, Double ratio, String goal, Boolean met) {
        rows.add(new String[] {
            measurement,
            formatValue(value),
            unit,
            ratio == null || !Double.isFinite(ratio) ? "" : String.format(Locale.ROOT, "%.2fx", ratio),
            goal == null ? "" : goal,
            met == null ? "" : met ? "yes" : "NO"
        });
        return this;
    }

    /** A row of free text in the value column (e.g. a lag trend). */
    ResultTable text(String measurement, String value, String unit) {
        rows.add(new String[] {measurement, value, unit, "", "", ""});
        return this;
    }

    /** A row of free text in the value column, checked against a goal. */
    ResultTable check(String measurement, String value, String unit, String goal, Boolean met) {
        rows.add(new String[] {measurement, value, unit, "", goal, met == null ? "" : met ? "yes" : "NO"});
        return this;
    }

    static String formatValue(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** The table, lines separated by {@code \n}, with a trailing newline. */
    String render() {
        int[] widths = new int[HEADER.length];
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < all.size(); r++) {
            String[] row = all.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                // Numbers right-aligned, text left-aligned.
                boolean right = i == 1 || i == 3;
                String cell = right
                        ? " ".repeat(widths[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(widths[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = 0;
                for (int width : widths) {
                    total += width;
                }
                out.append("-".repeat(total + 2 * (widths.length - 1))).append('\n');
            }
        }
        return out.toString();
    }
}
