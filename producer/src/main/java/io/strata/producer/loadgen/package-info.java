/**
 * The load generator ({@link io.strata.producer.loadgen.LoadGenerator}): publishes a deterministic
 * {@link io.strata.schemas.simulate.SimulatedFleet} so that benchmarks and end-to-end tests can recompute every
 * expected value.
 */
package io.strata.producer.loadgen;
