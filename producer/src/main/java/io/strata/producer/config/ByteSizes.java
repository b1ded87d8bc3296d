package io.strata.producer.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 1048576}, {@code 512KiB}, {@code 256MiB}, {@code 1GiB}, {@code 10MB}. */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private ByteSizes() {}

    /**
     * The number of bytes.
     *
     * @throws IllegalArgumentException when the text is not a size
     */
    static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(text);
        }
        long number = Long.parseLong(matcher.group(1));
        long unit =
                switch (matcher.group(2)) {
                    case "", "b" -> 1L;
                    case "k", "kb" -> 1000L;
                    case "kib" -> 1L << 10;
                    case "m", "mb" -> 1000L * 1000;
                    case "mib" -> 1L << 20;
                    case "g", "gb" -> 1000L * 1000 * 1000;
                    case "gib" -> 1L << 30;
                    default -> throw new IllegalArgumentException(text);
                };
        return Math.multiplyExact(number, unit);
    }
}
