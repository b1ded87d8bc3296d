package io.strata.embedded;

/** A running Kafka cluster that clients reach through {@link #bootstrapServers()}. */
public interface KafkaEndpoint {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    String bootstrapServers();
}
