package io.strata.sink;

/**
 * Entry point of {@code strata-sink}, the Kafka to PostgreSQL writer.
 */
public final class SinkMain {
    private SinkMain() {}

    public static void main(String[] args) {
        System.err.println("strata-sink is not implemented yet");
        System.exit(2);
    }
}
