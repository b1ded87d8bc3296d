package io.strata.e2e.corpus;

import io.strata.e2e.corpus.CorpusCase.Outcome;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The corpus' manifest, {@code corpus.properties}: the cases in injection order ({@code cases}) and per case its
 * {@code .topic}, {@code .key}, {@code .file} (or {@code generated}), {@code .outcome}, {@code .deadletters}
 * ({@code component@topic:reason}, space-separated) and {@code .description}.
 */
final class CorpusManifest {

    static final String FILE = "corpus.properties";
    static final String GENERATED = "generated";

    private CorpusManifest() {}

    /** The manifest text of {@code cases}: stable (no date), so the committed file can be compared. */
    static String write(List<CorpusCase> cases) {
        StringBuilder out = new StringBuilder();
        out.append("# The bad-input corpus: written by io.strata.e2e.corpus.CorpusWriter, do not edit.\n");
        out.append(
                "# Per case: the topic it is injected into, its Kafka key, its file (or \"generated\" at test time\n");
        out.append(
                "# when too large to commit), its outcome (dead-lettered or stored verbatim) and the dead letters\n");
        out.append("# it must cause, exactly, as component@source-topic:reason.\n");
        out.append("cases=")
                .append(cases.stream().map(CorpusCase::name).collect(Collectors.joining(",")))
                .append('\n');
        for (CorpusCase c : cases) {
            out.append('\n');
            line(out, c.name() + ".topic", c.topic());
            line(out, c.name() + ".key", c.key());
            line(out, c.name() + ".file", c.generated() ? GENERATED : c.fileName());
            line(
                    out,
                    c.name() + ".outcome",
                    c.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            line(
                    out,
                    c.name() + ".deadletters",
                    c.deadLetters().stream().map(ExpectedDeadLetter::format).collect(Collectors.joining(" ")));
            line(out, c.name() + ".description", c.description());
        }
        return out.toString();
    }

    /** The cases a manifest lists. */
    static List<CorpusCase> read(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<CorpusCase> cases = new ArrayList<>();
        for (String name : properties.getProperty("cases").split(",")) {
            String deadLetters = required(properties, name + ".deadletters");
            cases.add(new CorpusCase(
                    name,
                    required(properties, name + ".topic"),
                    required(properties, name + ".key"),
                    required(properties, name + ".description"),
                    GENERATED.equals(required(properties, name + ".file")),
                    Outcome.valueOf(required(properties, name + ".outcome")
                            .toUpperCase(Locale.ROOT)
                            .replace('-', '_')),
                    deadLetters.isBlank()
                            ? List.of()
                            : Arrays.stream(deadLetters.split(" "))
                                    .map(ExpectedDeadLetter::parse)
                                    .toList()));
        }
        return cases;
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("Corpus manifest has no " + key);
        }
        return value;
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(escape(value)).append('\n');
    }

    /** Escapes a value as {@link Properties#load} reads it; ('=' and ':' need no escape in a value), everything outside printable ASCII as {@code \\uXXXX}. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
