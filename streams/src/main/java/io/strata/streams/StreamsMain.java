package io.strata.streams;

/**
 * Entry point of {@code strata-streams}, the rollup and change-detection application.
 */
public final class StreamsMain {
    private StreamsMain() {}

    public static void main(String[] args) {
        System.err.println("strata-streams is not implemented yet");
        System.exit(2);
    }
}
