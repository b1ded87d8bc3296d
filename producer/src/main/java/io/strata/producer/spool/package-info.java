/**
 * The durable spool ({@link io.strata.producer.spool.Spool}): every record the probe publishes is appended here first
 * and removed once the broker acknowledged it, so an outage or a restart loses nothing; a bound drops the oldest
 * segments and counts the samples they held.
 */
package io.strata.producer.spool;
