/**
 * The {@code strata-streams} application: {@link io.strata.streams.StreamsMain} (the command line) and {@link
 * io.strata.streams.StreamsApp} (configuration, topic reconciliation, the running Kafka Streams instance and its
 * error handling).
 */
package io.strata.streams;
