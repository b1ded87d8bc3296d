/**
 * Real servers started in-JVM for tests and the local mode: {@link io.strata.embedded.EmbeddedKafka} (a single-node
 * KRaft broker+controller) and {@link io.strata.embedded.EmbeddedPostgres} (a PostgreSQL 18 child process), plus JUnit
 * Jupiter extensions that share one instance of each per test run.
 *
 * <p>Both servers run on 127.0.0.1/localhost only, on an ephemeral port unless a fixed one is asked for, and keep their
 * port and data across {@code stop()}/{@code restart()}.
 */
package io.strata.embedded;
