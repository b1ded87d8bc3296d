/**
 * The sink's Kafka consumption: {@link io.strata.sink.ingest.SinkIngest} runs a spring-kafka batch listener
 * container over the metric topics (and the state topics it is given), validates and decodes each poll, dead-letters
 * bad records to {@code strata.deadletter} (replayed raw batches too, by their per-node sequence), and writes the
 * rest together with the consumed offsets ({@code sink_offsets}) and the nodes' last sequences ({@code
 * sink_node_sequences}) in one PostgreSQL transaction, which runs on a writer thread while the next poll is decoded.
 */
package io.strata.sink.ingest;
