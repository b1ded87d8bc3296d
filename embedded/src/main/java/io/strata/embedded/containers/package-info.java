/**
 * Testcontainers counterparts of the embedded servers, with the same shape ({@link io.strata.embedded.KafkaEndpoint},
 * {@link io.strata.embedded.PostgresEndpoint}), for machines with a Docker engine. The Testcontainers dependencies are
 * optional: a module that uses these classes declares them itself.
 */
package io.strata.embedded.containers;
