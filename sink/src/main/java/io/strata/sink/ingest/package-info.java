/**
 * The sink's Kafka consumption: {@link io.strata.sink.ingest.SinkIngest} runs a spring-kafka batch listener
 * container over the metric topics (and the state topics it is given), validates and decodes each poll, dead-letters
 * bad records to {@code strata.deadletter}, and writes the rest together with the consumed offsets
 * ({@code sink_offsets}) in one PostgreSQL transaction.
 */
package io.strata.sink.ingest;
