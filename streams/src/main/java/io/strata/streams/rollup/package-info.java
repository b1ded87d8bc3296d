/**
 * Hourly and daily rollups: the per-bucket math ({@code BucketAccumulator}), the quantile sketch codec
 * ({@link io.strata.streams.rollup.Sketches}) and the Kafka Streams topology ({@link
 * io.strata.streams.rollup.RollupTopology}) that reads {@code strata.metrics.raw} and writes {@code
 * strata.metrics.hourly} and {@code strata.metrics.daily}.
 */
package io.strata.streams.rollup;
