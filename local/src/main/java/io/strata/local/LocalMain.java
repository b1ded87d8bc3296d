package io.strata.local;

/**
 * Entry point of {@code strata-local}, the all-in-one local mode.
 */
public final class LocalMain {
    private LocalMain() {}

    public static void main(String[] args) {
        System.err.println("strata-local is not implemented yet");
        System.exit(2);
    }
}
