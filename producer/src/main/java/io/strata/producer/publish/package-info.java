/**
 * Publishing: the Kafka producer settings ({@link io.strata.producer.publish.ProbeProducers}), the per-node sequence
 * number that survives restarts ({@link io.strata.producer.publish.SequenceStore}) and the sender that drains the spool
 * to the broker in order ({@link io.strata.producer.publish.SpoolPublisher}).
 */
package io.strata.producer.publish;
