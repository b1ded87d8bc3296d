package io.strata.producer;

/**
 * Entry point of {@code strata-probe}, the node probe.
 */
public final class ProbeMain {
    private ProbeMain() {}

    public static void main(String[] args) {
        System.err.println("strata-probe is not implemented yet");
        System.exit(2);
    }
}
