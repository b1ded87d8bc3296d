package io.strata.producer;

import io.strata.producer.cli.ProbeCli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code strata-probe}, the node probe: {@code strata-probe run --config probe.properties} collects host
 * metrics into {@code strata.metrics.raw} and the inventory into {@code strata.inventory}; {@code strata-probe once}
 * prints one round as JSON. {@code strata-probe --help} lists the options.
 */
public final class ProbeMain {
    private ProbeMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // Logs go to stderr (stdout carries `once` JSON); a resource, not logback.xml, so apps embedding the probe
        // keep their own logging. -Dlogback.configurationFile=FILE replaces it.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/strata/producer/logback-probe.xml");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(ProbeCli.execute(args, out, err, System.getenv()));
    }
}
