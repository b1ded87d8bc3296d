package io.strata.local;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code strata-local}, the all-in-one local mode.
 *
 * <pre>
 * java -jar strata-local.jar [--data-dir DIR] [--simulate-nodes N [--backfill 26h]] [--duration D]
 * </pre>
 */
public final class LocalMain {
    private LocalMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(LocalCli.execute(
                args,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }
}
