package io.strata.embedded.containers;

import io.strata.embedded.PostgresEndpoint;
import java.util.Objects;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** A PostgreSQL in a Docker container ({@code postgres:18}), for machines with a Docker engine. */
public final class ContainerPostgres implements PostgresEndpoint, AutoCloseable {

    /** The image that matches the PostgreSQL major version we support. */
    public static final String DEFAULT_IMAGE = "postgres:18";

    private final PostgreSQLContainer container;

    private ContainerPostgres(PostgreSQLContainer container) {
        this.container = container;
    }

    /** Starts a container from {@link #DEFAULT_IMAGE}. */
    public static ContainerPostgres start() {
        return start(DEFAULT_IMAGE);
    }

    /** Starts a container from the given image. */
    @SuppressWarnings("resource") // closed by close()
    public static ContainerPostgres start(String image) {
        Objects.requireNonNull(image, "image");
        PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(image));
        container.start();
        return new ContainerPostgres(container);
    }

    @Override
    public String jdbcUrl() {
        return container.getJdbcUrl();
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    /** Stops and removes the container. */
    @Override
    public void close() {
        container.close();
    }
}
