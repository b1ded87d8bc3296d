package io.strata.embedded.containers;

import io.strata.embedded.KafkaEndpoint;
import java.util.Objects;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** A single-node Kafka in a Docker container ({@code apache/kafka}), for machines with a Docker engine. */
public final class ContainerKafka implements KafkaEndpoint, AutoCloseable {

    /** The image that matches the Kafka version we build against. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.3.1";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Starts a container from {@link #DEFAULT_IMAGE}. */
    public static ContainerKafka start() {
        return start(DEFAULT_IMAGE);
    }

    /** Starts a container from the given image. */
    @SuppressWarnings("resource") // closed by close()
    public static ContainerKafka start(String image) {
        Objects.requireNonNull(image, "image");
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    /** Stops and removes the container. */
    @Override
    public void close() {
        container.close();
    }
}
