/**
 * PostgreSQL collectors over JDBC ({@link io.strata.producer.postgres.PostgresCollector}): server metrics into the
 * node's batches and the instance's settings, replication and schema as a {@code PostgresState}.
 */
package io.strata.producer.postgres;
